package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
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
 *   <li>A reader downloads into {@code sentiment.storage.cache-dir} (a temporary file, then a rename), checks
 *       each file against its checksum and only then loads; a mismatch is refused with the file's name. Files
 *       already in the cache are checked again before every load.</li>
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
 *   <li>Every failure of the server or the network is an {@link IOException} that the caller may retry.</li>
 * </ul>
 *
 * <p>Upload and request checksums are only sent where S3 requires them ({@code WHEN_REQUIRED}): since SDK
 * 2.30 the default CRC32 checksums are refused by many S3-compatible servers. The SHA-256 in the metadata is
 * what guards the bytes end to end.
 */
@Component
@ConditionalOnProperty(name = "sentiment.storage.type", havingValue = "s3")
class S3ModelRepository implements ModelRepository, AutoCloseable {

    private static final int ID_ATTEMPTS = 5;
    private static final Pattern REVISION = Pattern.compile("metadata-([0-9]{6})\\.json");
    private static final int UPDATE_ATTEMPTS = 100;
    private static final int LIST_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(S3ModelRepository.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path cache;
    private final int cacheVersions;
    private final String description;
    private final JsonMapper json;
    private final ObjectReader metadataReader;
    // what this process knows of each version, with the metadata revision and ETag it was read from
    private final Map<String, Known> versions = new ConcurrentHashMap<>();
    private final Map<String, String> unusable = new ConcurrentHashMap<>();
    private volatile boolean bucketReady;
    private volatile String lastProblem;
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
        this.bucket = settings.bucket();
        String p = settings.prefix().strip();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.cacheVersions = properties.storage().cacheVersions();
        this.cache = (properties.storage().cacheDir() != null ? properties.storage().cacheDir()
                : properties.modelsDir().resolve(".s3-cache")).toAbsolutePath().normalize();
        this.json = json;
        this.metadataReader = StoredJson.readerFor(json, ModelMetadata.class);
        this.s3 = client(settings);
        this.description = "s3://" + bucket + "/" + prefix
                + (settings.endpoint() == null || settings.endpoint().isBlank() ? "" : " at " + settings.endpoint());
        try {
            Files.createDirectories(cache);
            removeTemporaryDownloads(properties.storage().staleTemporaryAge());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the model cache " + cache, e);
        }
        try {
            ensureBucket();
        } catch (IOException e) {
            // a replica must start (and serve what it can) while the store is briefly away; writes try again
            log.error("Cannot reach the model bucket {}: {}; retried on the next write", description, e.getMessage());
        }
    }

    private static S3Client client(SentimentProperties.Storage.S3 settings) {
        AwsCredentialsProvider credentials = settings.accessKey() != null && !settings.accessKey().isBlank()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // a stalled server fails a call within seconds instead of holding a loader or a request forever
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(15)));
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        return builder.build();
    }

    @Override
    public void close() {
        s3.close();
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
        try {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
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
                    newest.merge(id, new Newest(revision, object.eTag()),
                            (a, b) -> a.revision() >= b.revision() ? a : b);
                } else {
                    files.computeIfAbsent(id, k -> new HashSet<>()).add(file);
                }
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                succeeded();
                return List.of();
            }
            throw failed("cannot list " + description, e);
        } catch (SdkException e) {
            throw failed("cannot list " + description, e);
        }
        succeeded();
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
                    if (!present.contains(stored) && !exists(key(id, stored))) {
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
                Known known = exists(key(id, VersionFiles.METADATA_FILE)) ? versions.get(id) : null;
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
            try {
                for (S3Object object : s3.listObjectsV2Paginator(
                        r -> r.bucket(bucket).prefix(prefix + id + "/metadata")).contents()) {
                    int revision = revisionOf(object.key().substring(prefix.length() + id.length() + 1));
                    marked |= revision == 0;
                    latest = Math.max(latest, revision);
                }
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw failed("cannot list the metadata of " + id, e);
                }
            } catch (SdkException e) {
                throw failed("cannot list the metadata of " + id, e);
            }
            succeeded();
            if (!marked) {
                if (!exists(key(id, VersionFiles.METADATA_FILE))) {
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
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(id, metadataFile(revision))));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                succeeded();
                if (revision == 0) {
                    versions.remove(id);
                }
                return Optional.empty();
            }
            throw failed("cannot read the metadata of " + id, e);
        } catch (SdkException e) {
            throw failed("cannot read the metadata of " + id, e);
        }
        succeeded();
        StoredModel model;
        try {
            ModelMetadata metadata = metadataReader.readValue(bytes.asByteArray());
            String problem = VersionFiles.incomplete(metadata);
            model = problem == null ? new StoredModel(id, metadata, null) : new StoredModel(id, null, problem);
        } catch (JacksonException e) {
            model = new StoredModel(id, null, metadataFile(revision) + " is unreadable");
        }
        Known known = new Known(model, revision, bytes.response().eTag());
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
        Path dir = cache.resolve(id);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> entry : metadata.checksums().entrySet()) {
            Path target = dir.resolve(entry.getKey());
            if (Files.isRegularFile(target) && VersionFiles.sha256(target).equals(entry.getValue())) {
                continue;
            }
            download(id, entry.getKey(), entry.getValue(), target);
        }
        TextClassifier classifier = VersionFiles.verifyAndLoad(id, dir, metadata, encoders);
        unusable.remove(id);
        Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        evictFromCache(id);
        return classifier;
    }

    /**
     * Keeps the {@code cacheVersions} most recently loaded versions in the cache: every version a replica ever
     * served would otherwise stay on its disk. A loaded classifier holds its weights in memory, so deleting its
     * files takes nothing from it.
     */
    private synchronized void evictFromCache(String justLoaded) {
        try (Stream<Path> dirs = Files.list(cache)) {
            List<Path> versions = dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(S3ModelRepository::lastModified).reversed()).toList();
            for (Path old : versions.subList(Math.min(cacheVersions, versions.size()), versions.size())) {
                if (!old.getFileName().toString().equals(justLoaded)) {
                    VersionFiles.deleteRecursively(old);
                    log.info("Model cache: removed version {} (keeping the {} most recently loaded)",
                            old.getFileName(), cacheVersions);
                }
            }
        } catch (IOException e) {
            // a full cache wastes disk, it breaks nothing: try again at the next load
            log.warn("Model cache {}: cannot remove old versions: {}", cache, e.getMessage());
        }
    }

    private static java.nio.file.attribute.FileTime lastModified(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Downloads one file into a temporary file, checks it and renames it into the cache. */
    private void download(String id, String file, String sha256, Path target) throws IOException {
        Path temp = target.resolveSibling(".tmp-" + file + "-" + UUID.randomUUID());
        try {
            try {
                s3.getObject(r -> r.bucket(bucket).key(fileKey(id, file, sha256)), temp);
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    succeeded();
                    throw new ModelUnusableException("file " + file + " of version " + id + " is missing from the store");
                }
                throw failed("cannot download " + file + " of " + id, e);
            } catch (SdkException e) {
                throw failed("cannot download " + file + " of " + id, e);
            }
            succeeded();
            if (!VersionFiles.sha256(temp).equals(sha256)) {
                throw ModelUnusableException.checksumMismatch(id, file);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    // ---- writing ----

    @Override
    public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata) throws IOException {
        boolean chosen = metadata.id() != null;
        if (chosen && !ModelIds.isValid(metadata.id())) {
            throw new IllegalArgumentException("not a model version id: " + ProblemException.printable(metadata.id()));
        }
        ensureBucket();
        Path temp = Files.createDirectories(cache).resolve(".tmp-upload-" + UUID.randomUUID());
        try {
            Files.createDirectory(temp);
            classifier.save(temp);
            Map<String, String> checksums = VersionFiles.checksums(temp);
            for (int attempt = 1; ; attempt++) {
                String id = chosen ? metadata.id() : ModelIds.next();
                // files are written without a condition: look first, so that a taken id's files are never replaced
                if (exists(key(id, VersionFiles.METADATA_FILE))) {
                    if (chosen) {
                        throw ModelConflictException.versionExists(id);
                    }
                    continue;
                }
                for (String file : checksums.keySet()) {
                    put(fileKey(id, file, checksums.get(file)), RequestBody.fromFile(temp.resolve(file)),
                            "application/octet-stream", false);
                }
                ModelMetadata stored = metadata.withId(id, checksums);
                if (put(key(id, VersionFiles.METADATA_FILE), RequestBody.fromBytes(bytes(stored)), "application/json",
                        true)) {
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
            if (put(key(id, metadataFile(next)), RequestBody.fromBytes(bytes(updated)), "application/json", true)) {
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
        deleteObject(key(id, VersionFiles.METADATA_FILE));
        versions.remove(id);
        unusable.remove(id);
        List<String> keys = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + id + "/")).contents()
                    .forEach(o -> keys.add(o.key()));
        } catch (SdkException e) {
            log.warn("Version {} is deleted but its files could not be listed for removal: {}", id, e.getMessage());
        }
        for (String key : keys) {
            try {
                deleteObject(key);
            } catch (IOException e) {
                log.warn("Version {} is deleted but {} could not be removed: {}", id, key, e.getMessage());
            }
        }
        VersionFiles.deleteRecursively(cache.resolve(id));
    }

    @Override
    public void markUnusable(String id, String reason) {
        unusable.put(id, reason);
    }

    @Override
    public Location location() {
        long broken = versions.values().stream().filter(k -> !withMark(k.model()).usable()).count();
        return new Location(description, cache, versions.size(), broken, lastProblem);
    }

    // ---- calls ----

    private byte[] bytes(ModelMetadata metadata) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata);
    }

    /**
     * A PUT; with {@code createOnly}, sent with {@code If-None-Match: *} and false when the key exists (412, or
     * 409 for a concurrent conditional write of the same key).
     */
    private boolean put(String key, RequestBody body, String contentType, boolean createOnly) throws IOException {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).ifNoneMatch(createOnly ? "*" : null),
                    body);
            succeeded();
            return true;
        } catch (S3Exception e) {
            if (createOnly && (e.statusCode() == 412 || e.statusCode() == 409)) {
                succeeded();
                return false;
            }
            throw failed("cannot write " + key, e);
        } catch (SdkException e) {
            throw failed("cannot write " + key, e);
        }
    }

    private boolean exists(String key) throws IOException {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            succeeded();
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                succeeded();
                return false;
            }
            throw failed("cannot look up " + key, e);
        } catch (SdkException e) {
            throw failed("cannot look up " + key, e);
        }
    }

    private void deleteObject(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
            succeeded();
        } catch (SdkException e) {
            throw failed("cannot delete " + key, e);
        }
    }

    /** Creates the bucket when it does not exist. */
    private void ensureBucket() throws IOException {
        if (bucketReady) {
            return;
        }
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failed("cannot reach bucket " + bucket, e);
            }
            try {
                s3.createBucket(r -> r.bucket(bucket));
                log.info("Created the model bucket {}", bucket);
            } catch (S3Exception created) {
                // another replica created it first
                if (created.statusCode() != 409) {
                    throw failed("cannot create bucket " + bucket, created);
                }
            } catch (SdkException created) {
                throw failed("cannot create bucket " + bucket, created);
            }
        } catch (SdkException e) {
            throw failed("cannot reach bucket " + bucket, e);
        }
        succeeded();
        bucketReady = true;
    }

    private void succeeded() {
        lastProblem = null;
    }

    private IOException failed(String what, SdkException e) {
        String message = what + ": " + e.getMessage();
        lastProblem = message;
        // a 4xx is the server refusing (a retry gets the same); no answer or a 5xx may pass
        boolean refused = e instanceof S3Exception s3 && s3.statusCode() >= 400 && s3.statusCode() < 500;
        return refused ? new IOException(message, e) : new StorageUnreachableException(message, e);
    }

    /** Removes downloads and uploads a crash interrupted; younger ones may be another replica's sharing the cache. */
    private void removeTemporaryDownloads(Duration staleAfter) throws IOException {
        try (Stream<Path> walk = Files.walk(cache)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                try {
                    if (com.example.sentiment.system.DurableFiles.untouchedFor(p, staleAfter)) {
                        VersionFiles.deleteRecursively(p);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // finished or removed by its writer meanwhile
                }
            }
        }
    }
}
