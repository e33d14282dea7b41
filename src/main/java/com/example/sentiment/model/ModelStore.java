package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.DurableFiles;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model versions on disk: {@code <models-dir>/<id>/} holds the network, vocabulary, labels and
 * {@code metadata.json} (with SHA-256 checksums of the other files); {@code <models-dir>/active} names the
 * active version.
 *
 * <p>Nothing is ever half-visible: a version is written into a hidden temporary folder, flushed to disk and
 * renamed into place; the active pointer is replaced by an atomic rename; a deleted version is first
 * renamed out of sight. Left-overs of a crash are removed at start.
 */
@Component
public class ModelStore {

    static final String METADATA_FILE = "metadata.json";
    static final String ACTIVE_FILE = "active";
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String DELETED_PREFIX = ".deleted-";
    private static final List<String> MODEL_FILES = List.of(
            TextClassifier.NETWORK_FILE, TextClassifier.VOCABULARY_FILE, TextClassifier.LABELS_FILE);
    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path root;
    private final JsonMapper json;
    // versions written by an older or newer release must still load
    private final ObjectReader metadataReader;
    private final Map<String, StoredModel> versions = new ConcurrentHashMap<>();

    ModelStore(SentimentProperties properties, JsonMapper json) {
        this.metadataReader = StoredJson.readerFor(json, ModelMetadata.class);
        this.root = properties.modelsDir().toAbsolutePath().normalize();
        this.json = json;
        try {
            Files.createDirectories(root);
            removeLeftovers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the models directory " + root, e);
        }
        scan();
    }

    Path root() {
        return root;
    }

    /** Every version folder, newest first, usable or not. */
    public List<StoredModel> list() {
        List<StoredModel> all = new ArrayList<>(versions.values());
        all.sort(Comparator.comparing(StoredModel::id).reversed());
        return all;
    }

    public Optional<StoredModel> find(String id) {
        if (!ModelIds.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(versions.get(id));
    }

    /**
     * Writes a new version and returns its metadata (with the assigned id and checksums). On failure the
     * temporary folder is removed and the store is unchanged.
     */
    public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata) throws IOException {
        String id = ModelIds.next();
        while (Files.exists(root.resolve(id))) {
            id = ModelIds.next();
        }
        Path temp = root.resolve(TEMP_PREFIX + id);
        try {
            Files.createDirectory(temp);
            classifier.save(temp);
            Map<String, String> checksums = new TreeMap<>();
            for (String file : MODEL_FILES) {
                checksums.put(file, sha256(temp.resolve(file)));
            }
            ModelMetadata stored = metadata.withId(id, checksums);
            writeMetadata(temp.resolve(METADATA_FILE), stored);
            for (String file : MODEL_FILES) {
                fsync(temp.resolve(file));
            }
            fsync(temp.resolve(METADATA_FILE));
            fsync(temp);
            Path target = root.resolve(id);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(root);
            versions.put(id, new StoredModel(id, stored, null));
            return stored;
        } catch (IOException | RuntimeException e) {
            deleteRecursively(temp);
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

    /** Loads a version's classifier after checking its files against the recorded checksums. */
    public TextClassifier load(String id) throws IOException {
        StoredModel stored = find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        if (!stored.usable()) {
            throw new IOException(stored.problem());
        }
        Path dir = root.resolve(id);
        for (Map.Entry<String, String> entry : stored.metadata().checksums().entrySet()) {
            Path file = dir.resolve(entry.getKey()).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                throw new IOException("file " + entry.getKey() + " is missing");
            }
            if (!sha256(file).equals(entry.getValue())) {
                throw new IOException("file " + entry.getKey() + " does not match its checksum (corrupted)");
            }
        }
        return TextClassifier.load(dir, stored.metadata().hyperParameters().maxSequenceLength());
    }

    /** Records a load failure so that listings show the version as unusable. */
    void markUnusable(String id, String reason) {
        versions.computeIfPresent(id, (k, v) -> new StoredModel(id, v.metadata(), reason));
    }

    public Optional<String> activeId() {
        Path pointer = root.resolve(ACTIVE_FILE);
        try {
            String id = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return ModelIds.isValid(id) ? Optional.of(id) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("Cannot read the active-model pointer {}: {}", pointer, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Adds the figures on one more labelled file to a version's {@code metadata.json}, replaced atomically
     * (the model files and their checksums are untouched).
     */
    public ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException {
        StoredModel stored = find(id).filter(StoredModel::usable).orElseThrow(() -> ModelNotFoundException.forId(id));
        return replaceMetadata(stored.metadata().withEvaluation(file, report));
    }

    /** Sets a version's default abstention threshold (null for none) in its {@code metadata.json}. */
    ModelMetadata recordMinConfidence(String id, Double threshold) throws IOException {
        StoredModel stored = find(id).filter(StoredModel::usable).orElseThrow(() -> ModelNotFoundException.forId(id));
        return replaceMetadata(stored.metadata().withMinConfidence(threshold));
    }

    /** Replaces a version's {@code metadata.json} atomically; the model files and their checksums are untouched. */
    private ModelMetadata replaceMetadata(ModelMetadata updated) throws IOException {
        String id = updated.id();
        Path temp = root.resolve(id).resolve(METADATA_FILE + ".tmp");
        writeMetadata(temp, updated);
        fsync(temp);
        moveAtomically(temp, root.resolve(id).resolve(METADATA_FILE));
        versions.put(id, new StoredModel(id, updated, null));
        return updated;
    }

    private void writeMetadata(Path file, ModelMetadata metadata) throws IOException {
        Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
    }

    /** Replaces the active pointer atomically. */
    void writeActive(String id) throws IOException {
        Path temp = root.resolve(TEMP_PREFIX + ACTIVE_FILE);
        Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
        fsync(temp);
        moveAtomically(temp, root.resolve(ACTIVE_FILE));
        fsync(root);
    }

    /** Removes a version: it disappears from the listing at once, its files right after. */
    void delete(String id) throws IOException {
        if (find(id).isEmpty()) {
            throw ModelNotFoundException.forId(id);
        }
        Path hidden = root.resolve(DELETED_PREFIX + id);
        Files.move(root.resolve(id), hidden, StandardCopyOption.ATOMIC_MOVE);
        versions.remove(id);
        deleteRecursively(hidden);
    }

    private void scan() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (ModelIds.isValid(id)) {
                    versions.put(id, read(id, dir));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the models directory " + root, e);
        }
        log.info("Model store {}: {} version(s)", root, versions.size());
    }

    private StoredModel read(String id, Path dir) {
        ModelMetadata metadata;
        try {
            metadata = metadataReader.readValue(dir.resolve(METADATA_FILE).toFile());
        } catch (JacksonException e) {
            return new StoredModel(id, null, METADATA_FILE + " is missing or unreadable");
        }
        if (metadata.labels() == null || metadata.hyperParameters() == null || metadata.checksums() == null) {
            return new StoredModel(id, null, METADATA_FILE + " is incomplete");
        }
        for (String file : MODEL_FILES) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                return new StoredModel(id, metadata, "file " + file + " is missing");
            }
        }
        return new StoredModel(id, metadata, null);
    }

    private void removeLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(DELETED_PREFIX)) {
                    log.info("Removing left-over {} from an interrupted write or delete", name);
                    deleteRecursively(p);
                }
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path path) {
        DurableFiles.fsync(path);
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", path, e.getMessage());
        }
    }
}
