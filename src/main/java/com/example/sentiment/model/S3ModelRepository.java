package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model versions in an S3-compatible object store ({@code sentiment.storage.type=s3}): the objects
 * {@code <prefix><id>/<file>-<sha256>} and {@code <prefix><id>/metadata.json}, addressed by path (not by a
 * bucket host name), so that any S3-compatible server works.
 *
 * <ul>
 *   <li>A version is written file by file, each file's key carrying its SHA-256 so that no write ever replaces
 *       another writer's file, and its {@code metadata.json} (with the SHA-256 of each file) last,
 *       with {@code If-None-Match: *}: the server refuses it (412) when the id exists, and a new id is taken (or,
 *       for an id the caller chose, the write is refused). A version without metadata does not exist, so a
 *       half-written one is never listed or loaded.</li>
 *   <li>A reader downloads into {@code sentiment.storage.cache-dir} (a {@link DownloadCache}), which checks
 *       each file against its checksum before the version is loaded; a mismatch is refused with the file's
 *       name. Files already in the cache are checked again before every load.</li>
 *   <li>Metadata updates (evaluations, the abstention threshold) are new objects, never replacements:
 *       revision {@code n} is {@code <id>/metadata-<n>.json} (six digits), written with
 *       {@code If-None-Match: *}, and readers take the highest. Two writers that read the same revision race for
 *       the same next key; the loser gets 412, reads again and retries, so no update is lost. A conditional
 *       replace ({@code If-Match} on the ETag) would do the same on AWS, but S3Proxy 4.0.0 checks
 *       {@code If-Match} before an unconditional write (concurrent writers both pass; the contract test saw
 *       updates lost), while its {@code If-None-Match: *} is atomic (a hard link). Revisions are a few kB each
 *       and are kept: deleting one would let a writer holding an older one re-create it.</li>
 *   <li>Deleting removes {@code metadata.json} first, so the version is gone at once, then its files and
 *       revisions.</li>
 *   <li>Every failure of the server or the network is an {@link IOException} that the caller may retry (the
 *       calls and their errors are {@link S3Bucket}'s).</li>
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "sentiment.storage.type", havingValue = "s3")
class S3ModelRepository implements ModelRepository, AutoCloseable {

    private static final int ID_ATTEMPTS = 5;
    private static final Pattern REVISION = Pattern.compile("metadata-([0-9]{6})\\.json");
    private static final int UPDATE_ATTEMPTS = 100;
    private static final int LIST_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(S3ModelRepository.class);

    private final S3Bucket bucket;
    private final String prefix;
    private final DownloadCache cache;
    private final String description;
    private final JsonMapper json;
    private final ObjectReader metadataReader;
    // what this process knows of each version, with the metadata revision and ETag it was read from
    private final Map<String, Known> versions = new ConcurrentHashMap<>();
    private final Map<String, String> unusable = new ConcurrentHashMap<>();
    private final PretrainedEncoders encoders;

    /** @param revision 0 for {@code metadata.json}, n for {@code metadata-<n>.json}; etag null when unknown */
    private record Known(StoredModel model, int revision, String etag) {
    }

    /** The newest metadata object of a version as listed. */
    private record Newest(int revision, String etag) {
    }

    private static String metadataFile(int revision) {
        return revision == 0 ? VersionFiles.METADATA_FILE : String.format("metadata-%06d.json", revision);
    }

    /** The revision a file name stands for, or -1 when it is none. */
    private static int revisionOf(String file) {
        if (file.equals(VersionFiles.METADATA_FILE)) {
            return 0;
        }
        Matcher m = REVISION.matcher(file);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** @param encoders what versions trained with an encoder are loaded against */
    S3ModelRepository(SentimentProperties properties, JsonMapper json, PretrainedEncoders encoders) {
        this.encoders = encoders;
        SentimentProperties.Storage.S3 settings = properties.storage().s3();
        if (settings.bucket() == null || settings.bucket().isBlank()) {
            throw new IllegalStateException("sentiment.storage.type=s3 needs sentiment.storage.s3.bucket");
        }
        String p = settings.prefix().strip();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.json = json;
        this.metadataReader = StoredJson.readerFor(json, ModelMetadata.class);
        this.bucket = S3Bucket.connect(settings);
        this.description = "s3://" + settings.bucket() + "/" + prefix
                + (settings.endpoint() == null || settings.endpoint().isBlank() ? "" : " at " + settings.endpoint());
        this.cache = new DownloadCache(properties.storage().cacheDir() != null ? properties.storage().cacheDir()
                : properties.modelsDir().resolve(".s3-cache"), properties.storage().cacheVersions(),
                properties.storage().staleTemporaryAge());
        try {
            bucket.ensureExists();
        } catch (IOException e) {
            // a replica must start (and serve what it can) while the store is briefly away; writes try again
            log.error("Cannot reach the model bucket {}: {}; retried on the next write", description, e.getMessage());
        }
    }

    @Override
    public void close() {
        bucket.close();
    }

    private String key(String id, String file) {
        return prefix + id + "/" + file;
    }

    /**
     * A file's object is named by its content too ({@code <id>/model.zip-<sha256>}): a writer that loses the
     * race for an id (or a worker that lost its lease and still uploads) writes other keys and can never change
     * the files of a version someone else published.
     */
    private String fileKey(String id, String file, String sha256) {
        return key(id, file + "-" + sha256);
    }

    // ---- reading ----

    @Override
    public List<StoredModel> list() throws IOException {
        Set<String> marked = new HashSet<>();
        Map<String, Newest> newest = new HashMap<>();
        Map<String, Set<String>> files = new HashMap<>();
        Optional<List<S3Bucket.Listed>> listing = bucket.list(prefix, "cannot list " + description);
        if (listing.isEmpty()) {
            return List.of();
        }
        for (S3Bucket.Listed object : listing.get()) {
            String rest = object.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
                continue;
            }
            String id = rest.substring(0, slash);
            String file = rest.substring(slash + 1);
            if (!ModelIds.isValid(id)) {
                continue;
            }
            int revision = revisionOf(file);
            if (revision == 0) {
                marked.add(id);
            }
            if (revision >= 0) {
                newest.merge(id, new Newest(revision, object.etag()), (a, b) -> a.revision() >= b.revision() ? a : b);
            } else {
                files.computeIfAbsent(id, k -> new HashSet<>()).add(file);
            }
        }
        List<StoredModel> all = new ArrayList<>();
        for (String id : marked) {
            Newest listed = newest.get(id);
            Known known = versions.get(id);
            if (known == null || known.revision() != listed.revision() || !listed.etag().equals(known.etag())) {
                known = read(id, listed.revision()).orElse(null);
                if (known == null) {
                    continue;
                }
            }
            StoredModel model = known.model();
            if (model.usable()) {
                Set<String> present = files.getOrDefault(id, Set.of());
                for (String file : model.metadata().checksums().keySet()) {
                    String stored = file + "-" + model.metadata().checksums().get(file);
                    // a listing can be incomplete (see fetch): a file it lacks is missing only if it is not there
                    if (!present.contains(stored) && !bucket.exists(key(id, stored))) {
                        model = new StoredModel(id, model.metadata(), "file " + file + " is missing");
                        break;
                    }
                }
            }
            Known checked = new Known(model, known.revision(), known.etag());
            versions.put(id, checked);
            all.add(withMark(checked.model()));
        }
        for (String id : new ArrayList<>(versions.keySet())) {
            // a version this process knows that the listing lacks is gone only when its metadata.json is
            if (!marked.contains(id)) {
                Known known = bucket.exists(key(id, VersionFiles.METADATA_FILE)) ? versions.get(id) : null;
                if (known == null) {
                    versions.remove(id);
                } else {
                    all.add(withMark(known.model()));
                }
            }
        }
        all.sort(Comparator.comparing(StoredModel::id).reversed());
        return all;
    }

    @Override
    public Optional<StoredModel> find(String id) throws IOException {
        if (!ModelIds.isValid(id)) {
            return Optional.empty();
        }
        Known known = versions.get(id);
        if (known == null) {
            known = fetch(id).orElse(null);
        }
        return Optional.ofNullable(known).map(k -> withMark(k.model()));
    }

    private StoredModel withMark(StoredModel model) {
        String mark = unusable.get(model.id());
        return mark != null && model.usable() ? new StoredModel(model.id(), model.metadata(), mark) : model;
    }

    /**
     * Reads a version's newest metadata from the store; empty when the version does not exist.
     *
     * <p>A listing can be incomplete: S3Proxy's file-system store ends a directory's listing early when a file in
     * it vanishes while it is listed (another writer's temporary file, renamed or removed at that moment). So a
     * version whose {@code metadata.json} the listing lacks exists as long as a HEAD finds it, and the listing is
     * taken again; a revision the listing lacks shows up as a refused write in {@link #update}.
     */
    private Optional<Known> fetch(String id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            boolean marked = false;
            int latest = -1;
            for (S3Bucket.Listed object : bucket.list(prefix + id + "/metadata", "cannot list the metadata of " + id)
                    .orElse(List.of())) {
                int revision = revisionOf(object.key().substring(prefix.length() + id.length() + 1));
                marked |= revision == 0;
                latest = Math.max(latest, revision);
            }
            if (!marked) {
                if (!bucket.exists(key(id, VersionFiles.METADATA_FILE))) {
                    versions.remove(id);
                    return Optional.empty();
                }
                if (attempt < LIST_ATTEMPTS) {
                    continue;
                }
                latest = 0;
            }
            Optional<Known> known = read(id, latest);
            // a listed revision that is gone was deleted with its version since: the next listing says so
            if (known.isPresent() || latest == 0) {
                return known;
            }
        }
    }

    /** Reads one metadata revision; empty when it (and so, for revision 0, the version) does not exist. */
    private Optional<Known> read(String id, int revision) throws IOException {
        Optional<S3Bucket.Read> read = bucket.read(key(id, metadataFile(revision)), "cannot read the metadata of " + id);
        if (read.isEmpty()) {
            if (revision == 0) {
                versions.remove(id);
            }
            return Optional.empty();
        }
        StoredModel model;
        try {
            ModelMetadata metadata = metadataReader.readValue(read.get().bytes());
            String problem = VersionFiles.incomplete(metadata);
            model = problem == null ? new StoredModel(id, metadata, null) : new StoredModel(id, null, problem);
        } catch (JacksonException e) {
            model = new StoredModel(id, null, metadataFile(revision) + " is unreadable");
        }
        Known known = new Known(model, revision, read.get().etag());
        versions.put(id, known);
        return Optional.of(known);
    }

    @Override
    public TextClassifier load(String id) throws IOException {
        if (!ModelIds.isValid(id)) {
            throw ModelNotFoundException.forId(id);
        }
        // the metadata is read afresh: the checksums to verify against are the ones in the store now
        Known known = fetch(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        ModelMetadata metadata = known.model().metadata();
        if (metadata == null) {
            throw new ModelUnusableException(known.model().problem());
        }
        Path dir = cache.fill(id, metadata.checksums(), (file, sha256, target) -> {
            if (!bucket.download(fileKey(id, file, sha256), target, "cannot download " + file + " of " + id)) {
                throw new ModelUnusableException("file " + file + " of version " + id + " is missing from the store");
            }
        });
        TextClassifier classifier = VersionFiles.verifyAndLoad(id, dir, metadata, encoders);
        unusable.remove(id);
        cache.loaded(id);
        return classifier;
    }

    // ---- writing ----

    @Override
    public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata, Map<String, byte[]> further)
            throws IOException {
        boolean chosen = metadata.id() != null;
        if (chosen && !ModelIds.isValid(metadata.id())) {
            throw new IllegalArgumentException("not a model version id: " + ProblemException.printable(metadata.id()));
        }
        bucket.ensureExists();
        Path temp = cache.temporaryFolder();
        try {
            classifier.save(temp);
            VersionFiles.writeFurther(temp, further);
            Map<String, String> checksums = VersionFiles.checksums(temp);
            for (int attempt = 1; ; attempt++) {
                String id = chosen ? metadata.id() : ModelIds.next();
                // files are written without a condition: look first, so that a taken id's files are never replaced
                if (bucket.exists(key(id, VersionFiles.METADATA_FILE))) {
                    if (chosen) {
                        throw ModelConflictException.versionExists(id);
                    }
                    continue;
                }
                for (String file : checksums.keySet()) {
                    bucket.upload(fileKey(id, file, checksums.get(file)), temp.resolve(file));
                }
                ModelMetadata stored = metadata.withId(id, checksums);
                if (bucket.create(key(id, VersionFiles.METADATA_FILE), bytes(stored))) {
                    versions.put(id, new Known(new StoredModel(id, stored, null), 0, null));
                    return stored;
                }
                // 412: another writer published this id between the look and the write
                if (chosen || attempt >= ID_ATTEMPTS) {
                    throw ModelConflictException.versionExists(id);
                }
                log.warn("Model id {} was taken while it was being written; writing under another id", id);
            }
        } finally {
            VersionFiles.deleteRecursively(temp);
        }
    }

    @Override
    public ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException {
        return update(id, m -> m.withEvaluation(file, report));
    }

    @Override
    public ModelMetadata recordMinConfidence(String id, Double threshold) throws IOException {
        return update(id, m -> m.withMinConfidence(threshold));
    }

    @Override
    public ModelMetadata recordCalibration(String id, com.example.sentiment.ml.Calibration calibration)
            throws IOException {
        return update(id, m -> m.withCalibration(calibration));
    }

    /**
     * Uploads the file under a key of its content, then writes the next metadata revision naming its checksum:
     * readers of the previous revision still find the bytes it vouches for.
     */
    @Override
    public ModelMetadata replaceFurtherFile(String id, String file, byte[] bytes) throws IOException {
        VersionFiles.requireFurtherName(file);
        if (find(id).filter(StoredModel::usable).isEmpty()) {
            throw ModelNotFoundException.forId(id);
        }
        String sha256 = VersionFiles.sha256(bytes);
        Path temp = cache.temporaryFolder();
        try {
            Files.write(temp.resolve(file), bytes);
            bucket.upload(fileKey(id, file, sha256), temp.resolve(file));
        } finally {
            VersionFiles.deleteRecursively(temp);
        }
        return update(id, m -> m.withFile(file, sha256));
    }

    /**
     * Reads the newest revision, changes it and writes it as the next one. When another writer came first, the
     * revision it wrote is read directly (a listing may not show it yet) and the change is applied to that one.
     */
    private ModelMetadata update(String id, UnaryOperator<ModelMetadata> change) throws IOException {
        Known known = fetch(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        for (int attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
            if (known.model().metadata() == null) {
                throw ModelNotFoundException.forId(id);
            }
            ModelMetadata updated = change.apply(known.model().metadata());
            int next = known.revision() + 1;
            if (bucket.create(key(id, metadataFile(next)), bytes(updated))) {
                versions.put(id, new Known(new StoredModel(id, updated, null), next, null));
                return updated;
            }
            Optional<Known> theirs = read(id, next);
            known = theirs.isPresent() ? theirs.get() : fetch(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        }
        throw new IOException("the metadata of " + id + " kept changing under " + UPDATE_ATTEMPTS + " attempts to update it");
    }

    @Override
    public void delete(String id) throws IOException {
        Known known = versions.get(id);
        if (known == null) {
            known = fetch(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        }
        // metadata first: from this moment the version does not exist, whatever happens to its files
        bucket.delete(key(id, VersionFiles.METADATA_FILE));
        versions.remove(id);
        unusable.remove(id);
        List<S3Bucket.Listed> rest = List.of();
        try {
            rest = bucket.list(prefix + id + "/", "cannot list the files of " + id).orElse(List.of());
        } catch (IOException e) {
            log.warn("Version {} is deleted but its files could not be listed for removal: {}", id, e.getMessage());
        }
        for (S3Bucket.Listed object : rest) {
            try {
                bucket.delete(object.key());
            } catch (IOException e) {
                log.warn("Version {} is deleted but {} could not be removed: {}", id, object.key(), e.getMessage());
            }
        }
        cache.remove(id);
    }

    @Override
    public Optional<byte[]> readFile(String id, String file) throws IOException {
        StoredModel stored = find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        ModelMetadata metadata = stored.metadata();
        if (metadata == null || metadata.checksums() == null || !metadata.checksums().containsKey(file)) {
            return Optional.empty();
        }
        Optional<S3Bucket.Read> read = bucket.read(fileKey(id, file, metadata.checksums().get(file)),
                "cannot read " + file + " of " + id);
        if (read.isEmpty()) {
            throw new ModelUnusableException("file " + file + " of version " + id + " is missing from the store");
        }
        return Optional.of(VersionFiles.verified(id, metadata, file, read.get().bytes()));
    }

    @Override
    public void markUnusable(String id, String reason) {
        unusable.put(id, reason);
    }

    @Override
    public Location location() {
        long broken = versions.values().stream().filter(k -> !withMark(k.model()).usable()).count();
        return new Location(description, cache.root(), versions.size(), broken, bucket.lastProblem());
    }

    // ---- encoding ----

    private byte[] bytes(ModelMetadata metadata) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata);
    }
}
