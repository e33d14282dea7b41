package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import java.time.Duration;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.json.JsonMapper;

/**
 * The s3 adapter against the repository contract, on a real S3Proxy 4.0.0 (its file-system backend) that this
 * class starts with {@code scripts/test-servers/s3proxy.sh} on a free port and stops afterwards. Each test
 * writes under a prefix of its own in one bucket, which the first repository creates.
 */
class S3ModelRepositoryIT extends ModelRepositoryContract {

    static final String BUCKET = "sentiment-models";
    static final Path SCRIPT = Path.of("scripts/test-servers/s3proxy.sh");
    static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    static Path serverDir;

    static String endpoint;
    static S3Client raw;

    @TempDir
    Path caches;

    private final String prefix = "test-" + COUNTER.incrementAndGet() + "/";
    private final List<S3ModelRepository> opened = new ArrayList<>();

    private static void script(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    @BeforeAll
    static void startS3Proxy() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        script("start", serverDir.toString(), String.valueOf(port));
        endpoint = "http://127.0.0.1:" + port;
        raw = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (raw != null) {
            raw.close();
        }
        script("stop", serverDir.toString());
    }

    @AfterEach
    void closeRepositories() {
        opened.forEach(S3ModelRepository::close);
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("sentiment.models-dir", caches.resolve("models").toString());
        settings.put("sentiment.storage.type", "s3");
        settings.put("sentiment.storage.cache-dir", caches.resolve("cache-" + opened.size()).toString());
        settings.put("sentiment.storage.s3.endpoint", endpoint);
        settings.put("sentiment.storage.s3.bucket", BUCKET);
        settings.put("sentiment.storage.s3.prefix", prefix);
        settings.put("sentiment.storage.s3.access-key", "local");
        settings.put("sentiment.storage.s3.secret-key", "local");
        return settings;
    }

    private S3ModelRepository open(Map<String, String> settings) {
        S3ModelRepository repository = new S3ModelRepository(TestProperties.of(settings), JsonMapper.builder().build(),
                com.example.sentiment.ml.PretrainedEncoders.NONE);
        opened.add(repository);
        return repository;
    }

    @Override
    protected ModelRepository reopen() {
        // each one with a cache of its own, as another replica
        return open(settings());
    }

    /** The key of a stored file: its name and its SHA-256 ({@code model.zip-<sha256>}). */
    private String storedKey(String id, String file) {
        List<String> keys = raw.listObjectsV2(r -> r.bucket(BUCKET).prefix(prefix + id + "/" + file + "-")).contents()
                .stream().map(o -> o.key()).toList();
        assertThat(keys).as("objects of %s in %s", file, id).hasSize(1);
        return keys.get(0);
    }

    @Override
    protected byte[] readStored(String id, String file) {
        return raw.getObjectAsBytes(r -> r.bucket(BUCKET).key(storedKey(id, file))).asByteArray();
    }

    @Override
    protected void writeStored(String id, String file, byte[] bytes) {
        String key = storedKey(id, file);
        raw.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    @Override
    protected void writeFilesWithoutMetadata(String id, Path filesOfAVersion) throws Exception {
        reopen();
        try (Stream<Path> files = Files.list(filesOfAVersion)) {
            for (Path f : files.toList()) {
                String key = prefix + id + "/" + f.getFileName() + "-" + VersionFiles.sha256(f);
                raw.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromFile(f));
            }
        }
    }

    @Test
    void s3ProxyRefusesASecondPutWithIfNoneMatch() {
        reopen();
        String key = prefix + "conditional";
        raw.putObject(r -> r.bucket(BUCKET).key(key).ifNoneMatch("*"), RequestBody.fromString("first"));
        assertThatThrownBy(() -> raw.putObject(r -> r.bucket(BUCKET).key(key).ifNoneMatch("*"),
                RequestBody.fromString("second"))).isInstanceOfSatisfying(S3Exception.class,
                        e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(raw.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo("first");
    }

    @Test
    void theBucketIsCreatedAtStartAndVersionsAreObjectsUnderThePrefix() throws Exception {
        Map<String, String> settings = settings();
        settings.put("sentiment.storage.s3.bucket", "created-at-start");
        ModelRepository repository = open(settings);
        raw.headBucket(r -> r.bucket("created-at-start"));
        ModelMetadata saved = repository.save(classifier, metadata("one"));
        List<String> keys = raw.listObjectsV2(r -> r.bucket("created-at-start")).contents().stream()
                .map(o -> o.key()).toList();
        String version = prefix + saved.id() + "/";
        assertThat(keys).containsExactlyInAnyOrder(version + "model.zip-" + saved.checksums().get("model.zip"),
                version + "vocabulary.txt-" + saved.checksums().get("vocabulary.txt"),
                version + "labels.json-" + saved.checksums().get("labels.json"),
                version + "labels.txt-" + saved.checksums().get("labels.txt"), version + "metadata.json");
        assertThat(repository.location().description()).contains("s3://created-at-start/" + prefix);
    }

    @Test
    void aCorruptedCopyInTheCacheIsDownloadedAgainAndTheDownloadIsVerified() throws Exception {
        S3ModelRepository repository = (S3ModelRepository) reopen();
        ModelMetadata saved = repository.save(classifier, metadata("cached"));
        repository.load(saved.id());
        Path cached = caches.resolve("cache-0").resolve(saved.id()).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(cached);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(cached, bytes);
        assertThat(repository.load(saved.id()).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
        assertThat(Files.readAllBytes(cached)).isEqualTo(readStored(saved.id(), "model.zip"));
        try (Stream<Path> files = Files.list(cached.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    private ConfigurableApplicationContext replica(Path pointerAndJobs, String name) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--sentiment.models-dir=" + pointerAndJobs,
                "--sentiment.data-dir=" + caches.resolve("data-" + name),
                "--sentiment.vectors-dir=" + caches.resolve("no-vectors"),
                "--sentiment.storage.pointer-poll=200ms", "--sentiment.classify.inference-threads=1",
                "--logging.level.root=WARN"));
        settings().forEach((k, v) -> {
            if (k.startsWith("sentiment.storage.")) {
                args.add("--" + k + "=" + (k.endsWith("cache-dir") ? caches.resolve("cache-" + name) : v));
            }
        });
        return new SpringApplicationBuilder(SentimentApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void twoReplicasOnOneBucketServeWhatEitherActivates() throws Exception {
        // the versions in S3; the pointer (the active file) shared by both, as a shared volume or database would be
        Path shared = caches.resolve("shared");
        try (ConfigurableApplicationContext trainer = replica(shared, "a");
             ConfigurableApplicationContext follower = replica(shared, "b")) {
            ServiceClient a = ServiceClient.of(trainer);
            ServiceClient b = ServiceClient.of(follower);
            JsonNode job = a.train(TestCorpus.csv(200, 8), TinyModel.jobConfig(2));
            assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
            String id = job.get("modelId").asString();
            assertThat(raw.headObject(r -> r.bucket(BUCKET).key(prefix + id + "/metadata.json")).eTag()).isNotBlank();
            String body = ServiceClient.JSON.writeValueAsString(Map.of("text", SENTENCE));
            ServiceClient.Answer fromA = a.postJson("/api/v1/classify", body);
            assertThat(fromA.headers().firstValue("X-Model-Version")).contains(id);
            b.awaitReady();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(b.postJson("/api/v1/classify", body).headers().firstValue("X-Model-Version")).contains(id));
            ServiceClient.Answer fromB = b.postJson("/api/v1/classify", body);
            assertThat(ServiceClient.scores(fromB.json())).isEqualTo(ServiceClient.scores(fromA.json()));
            JsonNode health = b.get("/actuator/health").json().get("components");
            assertThat(health.get("activeModel").get("details").get("loadedVersion").asString()).isEqualTo(id);
            assertThat(health.get("activeModel").get("details").get("desiredVersion").asString()).isEqualTo(id);
            assertThat(health.get("modelStore").get("details").get("storage").asString()).startsWith("s3://" + BUCKET);
            assertThat(b.get("/actuator/prometheus").body())
                    .contains("sentiment_model_generation{state=\"loaded\",version=\"" + id + "\"}");
            // B downloaded the version into its own cache, verified, and left no temporary file
            try (Stream<Path> files = Files.list(caches.resolve("cache-b").resolve(id))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("model.zip", "vocabulary.txt", "labels.json", "labels.txt",
                                "drift-reference.json");
            }
        }
    }

    @Test
    void twoWritersRacingForOneIdLeaveOneIntactVersion() throws Exception {
        String id = "20260101-000000-0bad";
        com.example.sentiment.ml.TextClassifier other = TinyModel.train(40, 2);
        List<ModelRepository> writers = List.of(reopen(), reopen());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<String>> results = new ArrayList<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            ModelRepository w = writers.get(i);
            com.example.sentiment.ml.TextClassifier c = i == 0 ? classifier : other;
            results.add(pool.submit(() -> {
                start.await();
                try {
                    return w.save(c, metadata(id, "writer")).checksums().get("model.zip");
                } catch (ModelConflictException e) {
                    return "refused";
                }
            }));
        }
        start.countDown();
        List<String> outcomes = new ArrayList<>();
        for (java.util.concurrent.Future<String> r : results) {
            outcomes.add(r.get());
        }
        pool.shutdown();
        assertThat(outcomes).containsOnlyOnce("refused");
        // whichever won, its files are the ones it wrote: the version loads and verifies
        assertThat(reopen().load(id).labels()).isEqualTo(TinyModel.LABELS);
        assertThat(reopen().find(id).orElseThrow().metadata().checksums().get("model.zip")).isIn(outcomes);
    }

    @Test
    void concurrentMetadataUpdatesFromTwoReplicasAreAllKeptAndReadersAlwaysSeeTheVersion() throws Exception {
        ModelRepository first = reopen();
        ModelRepository second = reopen();
        ModelRepository reader = reopen();
        ModelMetadata saved = first.save(classifier, metadata("evaluated twice"));
        com.example.sentiment.ml.EvaluationReport report = classifier.evaluate(new com.example.sentiment.ml.LabelledTexts(
                List.of("a wonderful film", "a dreadful film"), new int[] {1, 0}));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
        for (ModelRepository r : List.of(first, second)) {
            String name = r == first ? "first" : "second";
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    r.recordEvaluation(saved.id(), name + "-" + i + ".csv", report);
                }
                return null;
            }));
        }
        // S3Proxy's file-system store cuts a listing short when a writer's temporary file vanishes under it:
        // a reader must still find the version, whole, at every moment
        java.util.concurrent.Future<List<String>> readings = pool.submit(() -> {
            List<String> glitches = new ArrayList<>();
            while (writing.get()) {
                Optional<StoredModel> found = reader.find(saved.id());
                if (found.isEmpty() || !found.get().usable()) {
                    glitches.add("find: " + found.map(StoredModel::problem).orElse("absent"));
                }
                List<StoredModel> listed = reader.list().stream().filter(m -> m.id().equals(saved.id())).toList();
                if (listed.size() != 1 || !listed.get(0).usable()) {
                    glitches.add("list: " + (listed.isEmpty() ? "absent" : listed.get(0).problem()));
                }
            }
            return glitches;
        });
        try {
            for (java.util.concurrent.Future<?> w : writers) {
                w.get();
            }
        } finally {
            writing.set(false);
        }
        assertThat(readings.get()).isEmpty();
        pool.shutdown();
        // no update of the other writer is lost
        assertThat(reopen().find(saved.id()).orElseThrow().metadata().evaluations()).hasSize(20);
    }

    @Test
    void theCacheKeepsOnlyTheMostRecentlyLoadedVersions() throws Exception {
        Map<String, String> settings = settings();
        settings.put("sentiment.storage.cache-versions", "2");
        Path cacheDir = Path.of(settings.get("sentiment.storage.cache-dir"));
        ModelRepository repository = open(settings);
        List<String> ids = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            ids.add(repository.save(classifier, metadata(name)).id());
        }
        for (String id : ids) {
            repository.load(id);
        }
        assertThat(cachedVersions(cacheDir)).containsExactlyInAnyOrder(ids.get(1), ids.get(2));
        // an evicted version downloads again, and pushes out the least recently loaded one
        assertThat(repository.load(ids.get(0)).labels()).isEqualTo(classifier.labels());
        assertThat(cachedVersions(cacheDir)).containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    }

    private static List<String> cachedVersions(Path cacheDir) throws IOException {
        try (Stream<Path> dirs = Files.list(cacheDir)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).toList();
        }
    }

    @Test
    void anUnreachableStoreIsARetryableIOExceptionAndKnownVersionsStillAnswer() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata saved = repository.save(classifier, metadata("known"));
        Map<String, String> settings = settings();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        settings.put("sentiment.storage.s3.endpoint", "http://127.0.0.1:" + closedPort);
        ModelRepository away = open(settings);
        // unreachable, not refused: a training worker tries the store again rather than failing the job
        assertThatThrownBy(away::list).isInstanceOf(StorageUnreachableException.class).hasMessageContaining("cannot list");
        assertThatThrownBy(() -> away.save(classifier, metadata("lost"))).isInstanceOf(StorageUnreachableException.class);
        assertThat(away.location().problem()).isNotNull();
        assertThat(repository.find(saved.id())).isPresent();
    }
}
