package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.DurableFiles;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model versions on disk ({@code sentiment.storage.type=filesystem}, the default): {@code <models-dir>/<id>/}
 * holds the classifier's files and {@code metadata.json} (with SHA-256 checksums of the other files).
 *
 * <p>Nothing is ever half-visible: a version is written into a hidden temporary folder, flushed to disk and
 * renamed into place, so its metadata appears together with its files; metadata is replaced by an atomic
 * rename; a deleted version is first renamed out of sight. Left-overs of a crash are removed at start.
 * Versions written by another process on a shared volume are found on the next listing or lookup.
 */
@Component
@ConditionalOnProperty(name = "sentiment.storage.type", havingValue = "filesystem", matchIfMissing = true)
class FileSystemModelRepository implements ModelRepository {

    private static final String TEMP_PREFIX = DurableFiles.TEMP_PREFIX;
    private static final String DELETED_PREFIX = ".deleted-";
    private static final Logger log = LoggerFactory.getLogger(FileSystemModelRepository.class);

    private final Path root;
    private final JsonMapper json;
    // versions written by an older or newer release must still load
    private final ObjectReader metadataReader;
    private final Map<String, Known> versions = new ConcurrentHashMap<>();
    private final PretrainedEncoders encoders;

    /**
     * A version as last read, with what its {@code metadata.json} looked like then (inode, time, size): another
     * process sharing the volume replaces the file by a rename, which changes the inode, so a cheap look tells
     * whether to read it again.
     */
    private record Known(StoredModel model, Object stamp) {
    }

    FileSystemModelRepository(SentimentProperties properties, JsonMapper json) {
        this(properties, json, PretrainedEncoders.NONE);
    }

    /** @param encoders what versions trained with an encoder are loaded against */
    FileSystemModelRepository(SentimentProperties properties, JsonMapper json, PretrainedEncoders encoders) {
        this(properties.modelsDir(), json, properties.storage().staleTemporaryAge(), encoders);
    }

    /** The service's store: on its first start, the seed versions are copied in (see {@link ModelSeeds}). */
    @Autowired
    FileSystemModelRepository(SentimentProperties properties, JsonMapper json, ActiveVersionPointer pointer,
                              PretrainedEncoders encoders) {
        this(properties, json, encoders);
        if (properties.seedModels()) {
            ModelSeeds.plant(root, properties.seedsDir(), pointer);
            try {
                scan();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the models directory " + root, e);
            }
        }
    }

    /**
     * The versions under {@code directory}, such as another installation's models folder being imported: a
     * source that is only read, so nothing in it is cleaned up.
     */
    FileSystemModelRepository(Path directory, JsonMapper json) {
        this(directory, json, null, PretrainedEncoders.NONE);
    }

    /**
     * @param staleAfter left-overs of interrupted writes and deletes untouched for this long are removed; null
     *                   leaves every entry alone
     * @param encoders what versions trained with an encoder are loaded against
     */
    FileSystemModelRepository(Path directory, JsonMapper json, java.time.Duration staleAfter,
                              PretrainedEncoders encoders) {
        this.encoders = encoders;
        this.metadataReader = StoredJson.readerFor(json, ModelMetadata.class);
        this.root = directory.toAbsolutePath().normalize();
        this.json = json;
        try {
            Files.createDirectories(root);
            if (staleAfter != null) {
                removeLeftovers(staleAfter);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the models directory " + root, e);
        }
        try {
            scan();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the models directory " + root, e);
        }
        log.info("Model store {}: {} version(s)", root, versions.size());
    }

    Path root() {
        return root;
    }

    @Override
    public List<StoredModel> list() throws IOException {
        scan();
        List<StoredModel> all = new ArrayList<>(versions.values().stream().map(Known::model).toList());
        all.sort(Comparator.comparing(StoredModel::id).reversed());
        return all;
    }

    @Override
    public Optional<StoredModel> find(String id) {
        if (!ModelIds.isValid(id)) {
            return Optional.empty();
        }
        Path dir = root.resolve(id);
        if (!Files.isDirectory(dir)) {
            versions.remove(id);
            return Optional.empty();
        }
        return Optional.of(refresh(id, dir));
    }

    /** The version as known, read again when its metadata changed (or it is new) since it was last read. */
    private StoredModel refresh(String id, Path dir) {
        Object stamp = stamp(dir);
        Known known = versions.get(id);
        if (known != null && known.stamp().equals(stamp)) {
            return known.model();
        }
        StoredModel read = read(id, dir);
        // a mark of this process survives until a load succeeds
        if (known != null && !known.model().usable() && read.usable() && known.model().metadata() != null) {
            read = new StoredModel(id, read.metadata(), known.model().problem());
        }
        versions.put(id, new Known(read, stamp));
        return read;
    }

    private static Object stamp(Path dir) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir.resolve(VersionFiles.METADATA_FILE), BasicFileAttributes.class);
            return Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata, Map<String, byte[]> further)
            throws IOException {
        boolean chosen = metadata.id() != null;
        if (chosen && !ModelIds.isValid(metadata.id())) {
            throw new IllegalArgumentException("not a model version id: " + com.example.sentiment.system.ProblemException.printable(metadata.id()));
        }
        String id = chosen ? metadata.id() : ModelIds.next();
        while (Files.exists(root.resolve(id))) {
            if (chosen) {
                throw ModelConflictException.versionExists(id);
            }
            id = ModelIds.next();
        }
        Path temp = root.resolve(TEMP_PREFIX + id + "-" + java.util.UUID.randomUUID());
        try {
            Files.createDirectory(temp);
            classifier.save(temp);
            VersionFiles.writeFurther(temp, further);
            ModelMetadata stored = metadata.withId(id, VersionFiles.checksums(temp));
            writeMetadata(temp.resolve(VersionFiles.METADATA_FILE), stored);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
                for (Path file : files) {
                    DurableFiles.fsync(file);
                }
            }
            DurableFiles.fsync(temp);
            try {
                // rename(2) would replace an empty directory of that name: refuse anything already there
                if (Files.exists(root.resolve(id))) {
                    throw new FileAlreadyExistsException(root.resolve(id).toString());
                }
                Files.move(temp, root.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw ModelConflictException.versionExists(id);
            }
            DurableFiles.fsync(root);
            versions.put(id, new Known(new StoredModel(id, stored, null), stamp(root.resolve(id))));
            return stored;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            if (e instanceof ModelConflictException conflict) {
                throw conflict;
            }
            if (e instanceof IllegalArgumentException refused) {
                throw refused; // a further file named like one of the classifier's: a caller's mistake
            }
            throw new IOException(reason(e), e);
        }
    }

    /** The operating system's reason ("No space left on device", "Read-only file system"), not just a path. */
    private static String reason(Exception e) {
        if (e instanceof FileSystemException fs) {
            String reason = fs.getReason() != null ? fs.getReason()
                    : e instanceof AccessDeniedException ? "permission denied" : "file system error";
            return reason + " (" + fs.getFile() + ")";
        }
        return e.getMessage();
    }

    @Override
    public TextClassifier load(String id) throws IOException {
        StoredModel stored = find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        Path dir = root.resolve(id);
        // read again: the version may have been written by another process, or repaired, since it was listed
        StoredModel current = read(id, dir);
        if (current.metadata() == null) {
            throw new ModelUnusableException(current.problem());
        }
        TextClassifier classifier = VersionFiles.verifyAndLoad(id, dir, current.metadata(), encoders);
        if (!stored.usable()) {
            versions.put(id, new Known(current, stamp(dir)));
        }
        return classifier;
    }

    @Override
    public Optional<byte[]> readFile(String id, String file) throws IOException {
        StoredModel stored = find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        if (stored.metadata() == null || stored.metadata().checksums() == null
                || !stored.metadata().checksums().containsKey(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(VersionFiles.verified(id, stored.metadata(), file,
                    Files.readAllBytes(root.resolve(id).resolve(file))));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModelUnusableException("file " + file + " is missing");
        }
    }

    @Override
    public void markUnusable(String id, String reason) {
        versions.computeIfPresent(id, (k, v) -> new Known(new StoredModel(id, v.model().metadata(), reason), v.stamp()));
    }

    @Override
    public ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException {
        return replaceMetadata(usable(id).metadata().withEvaluation(file, report));
    }

    @Override
    public ModelMetadata recordMinConfidence(String id, Double threshold) throws IOException {
        return replaceMetadata(usable(id).metadata().withMinConfidence(threshold));
    }

    @Override
    public ModelMetadata recordCalibration(String id, com.example.sentiment.ml.Calibration calibration)
            throws IOException {
        return replaceMetadata(usable(id).metadata().withCalibration(calibration));
    }

    /**
     * Writes the file, then the metadata, each replaced atomically and durably; a process that reads the version
     * between the two sees the new bytes against the old checksum once (a checksum mismatch, which a read a moment
     * later does not repeat).
     */
    @Override
    public ModelMetadata replaceFurtherFile(String id, String file, byte[] bytes) throws IOException {
        VersionFiles.requireFurtherName(file);
        ModelMetadata metadata = usable(id).metadata();
        DurableFiles.write(root.resolve(id).resolve(file), bytes);
        return replaceMetadata(metadata.withFile(file, VersionFiles.sha256(bytes)));
    }

    private StoredModel usable(String id) {
        return find(id).filter(StoredModel::usable).orElseThrow(() -> ModelNotFoundException.forId(id));
    }

    /**
     * Replaces a version's {@code metadata.json} atomically; the model files and their checksums are untouched.
     * Each write has a temporary file of its own, so two processes updating one version never publish each
     * other's half-written file (the last complete one wins).
     */
    private ModelMetadata replaceMetadata(ModelMetadata updated) throws IOException {
        String id = updated.id();
        DurableFiles.write(root.resolve(id).resolve(VersionFiles.METADATA_FILE),
                json.writerWithDefaultPrettyPrinter().writeValueAsBytes(updated));
        versions.put(id, new Known(new StoredModel(id, updated, null), stamp(root.resolve(id))));
        return updated;
    }

    private void writeMetadata(Path file, ModelMetadata metadata) throws IOException {
        Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
    }

    @Override
    public void delete(String id) throws IOException {
        if (find(id).isEmpty()) {
            throw ModelNotFoundException.forId(id);
        }
        Path hidden = root.resolve(DELETED_PREFIX + id);
        Files.move(root.resolve(id), hidden, StandardCopyOption.ATOMIC_MOVE);
        versions.remove(id);
        deleteQuietly(hidden);
    }

    @Override
    public Location location() {
        long unusable = versions.values().stream().filter(v -> !v.model().usable()).count();
        return new Location(root.toString(), root, versions.size(), unusable, null);
    }

    /** Adds version folders that appeared since the last scan and forgets those that went. */
    private void scan() throws IOException {
        Set<String> present = new HashSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (ModelIds.isValid(id)) {
                    present.add(id);
                    refresh(id, dir);
                }
            }
        }
        versions.keySet().retainAll(present);
    }

    private StoredModel read(String id, Path dir) {
        ModelMetadata metadata;
        try {
            metadata = metadataReader.readValue(dir.resolve(VersionFiles.METADATA_FILE).toFile());
        } catch (JacksonException e) {
            return new StoredModel(id, null, VersionFiles.METADATA_FILE + " is missing or unreadable");
        }
        String problem = VersionFiles.incomplete(metadata);
        if (problem != null) {
            return new StoredModel(id, null, problem);
        }
        for (String file : metadata.checksums().keySet()) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                return new StoredModel(id, metadata, "file " + file + " is missing");
            }
        }
        return new StoredModel(id, metadata, null);
    }

    /**
     * Removes what interrupted writes and deletes left, but only entries untouched for {@code staleAfter}:
     * processes sharing the volume (replicas, a {@code train} or {@code import-model} command) start while
     * another one is saving, and its temporary folder must survive them.
     */
    private void removeLeftovers(java.time.Duration staleAfter) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(DELETED_PREFIX)) {
                    try {
                        if (!DurableFiles.untouchedFor(p, staleAfter)) {
                            log.debug("Leaving {}: written to within {}, perhaps by another process", name, staleAfter);
                            continue;
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue; // its writer renamed or removed it meanwhile
                    }
                    log.info("Removing left-over {} from an interrupted write or delete", name);
                    deleteQuietly(p);
                }
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            VersionFiles.deleteRecursively(path);
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", path, e.getMessage());
        }
    }
}
