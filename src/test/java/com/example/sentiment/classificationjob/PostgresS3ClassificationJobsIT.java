package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.TestPostgres;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scale-out pair against the contract: records in PostgreSQL (a private cluster, {@link TestPostgres}) and
 * files in S3Proxy 4.0.0 (started on a free port with {@code scripts/test-servers/s3proxy.sh}; each test under a
 * prefix of its own). And what only this pair sees: a runner stopped mid-job hands it to another at once, and a
 * runner that lost its lease but goes on writing parts (a frozen process waking up) adds no row twice.
 */
class PostgresS3ClassificationJobsIT extends ClassificationJobStoreContract {

    static final String BUCKET = "sentiment-classification-jobs";
    static final Path SCRIPT = Path.of("scripts/test-servers/s3proxy.sh");
    static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    static Path serverDir;

    static String endpoint;

    @TempDir
    Path spool;

    private final String prefix = "test-" + COUNTER.incrementAndGet() + "/";
    private PostgresClassificationJobRecords records;
    private S3ClassificationJobFiles files;
    private S3Client raw;

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
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        script("stop", serverDir.toString());
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @BeforeEach
    void open() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        postgres.reset();
        records = new PostgresClassificationJobRecords(new JdbcTemplate(postgres.dataSource()), json, LEASE);
        files = new S3ClassificationJobFiles(client(), BUCKET, prefix, spool);
        files.ensureBucket();
        raw = client();
    }

    @AfterEach
    void close() {
        if (files != null) {
            files.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    @Override
    protected ClassificationJobRecords records() {
        return records;
    }

    @Override
    protected ClassificationJobFiles files() {
        return files;
    }

    /** The committed parts of a job as stored. */
    private List<String> parts(String id) {
        return raw.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix + id + "/results/")).contents().stream()
                .map(o -> o.key().substring((prefix + id + "/results/").length())).toList();
    }

    private String results(String id) throws Exception {
        try (InputStream in = files.openResults(id)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRunnerStoppedMidJobHandsItBackAndAnotherFinishesItWithoutWaitingForTheLease() throws Exception {
        int rows = 40;
        String id = queued("cj-stopped", rows).id();
        TinyJobInference blocked = new TinyJobInference();
        CountDownLatch inThirdChunk = new CountDownLatch(1);
        blocked.beforeChunk = chunk -> {
            if (chunk == 2) {
                inThirdChunk.countDown();
                new CountDownLatch(1).await();
            }
        };
        ClassificationJobRunner a = runner(records, blocked, "worker-a", 8);
        a.start();
        assertThat(inThirdChunk.await(60, TimeUnit.SECONDS)).isTrue();
        a.stop(); // a shutdown: the job keeps its two committed parts and is handed back
        assertThat(records.find(id).orElseThrow().state()).isEqualTo(ClassificationJob.State.RUNNING);
        assertThat(parts(id)).containsExactly("000000000000-000000000008", "000000000008-000000000016");

        ClassificationJobRecords.Lease next = records.claim("worker-b").orElseThrow();
        assertThat(next.jobId()).as("handed back, not held until the lease runs out").isEqualTo(id);
        records.release(next);
        TinyJobInference other = new TinyJobInference();
        ClassificationJobRunner b = runner(records, other, "worker-b", 8);
        b.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> records.find(id).orElseThrow().state() == ClassificationJob.State.SUCCEEDED);
        } finally {
            b.stop();
        }
        assertThat(other.chunks.get()).isEqualTo(3);
        assertEveryRowOnce(results(id), rows);
    }

    @Test
    void aRunnerThatLostItsLeaseAndGoesOnWritingAddsNoRowTwice() throws Exception {
        int rows = 50;
        String id = queued("cj-zombie", rows).id();
        // a: commits three chunks of 8, then freezes (no renewals) until b has finished, then wakes up and goes on
        TinyJobInference frozen = new TinyJobInference();
        CountDownLatch inFourthChunk = new CountDownLatch(1);
        CountDownLatch wakeUp = new CountDownLatch(1);
        frozen.beforeChunk = chunk -> {
            if (chunk == 3) {
                inFourthChunk.countDown();
                wakeUp.await();
            }
        };
        ClassificationJobRunner a = runner(withoutRenewal(records), frozen, "worker-a", 8);
        ClassificationJobRunner b = runner(records, new TinyJobInference(), "worker-b", 5);
        a.start();
        try {
            assertThat(inFourthChunk.await(60, TimeUnit.SECONDS)).isTrue();
            b.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> records.find(id).orElseThrow().state() == ClassificationJob.State.SUCCEEDED);
            String byB = results(id);
            assertEveryRowOnce(byB, rows);

            wakeUp.countDown();
            // a writes its own parts for rows 24 to 50 (chunks of 8, where b's are of 5), then finds its lease lost
            await().atMost(Duration.ofSeconds(60)).until(() -> parts(id).contains("000000000048-000000000050"));
            await().atMost(Duration.ofSeconds(60)).until(() -> a.inLine() == 0);
        } finally {
            wakeUp.countDown();
            a.stop();
            b.stop();
        }
        assertThat(parts(id)).as("both runners' parts are there").contains("000000000024-000000000032",
                "000000000024-000000000029");
        ClassificationJob done = records.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(ClassificationJob.State.SUCCEEDED);
        assertThat(done.rowsDone()).isEqualTo(rows);
        assertEveryRowOnce(results(id), rows);
        assertThat(files.checkpoint(id).rows()).isEqualTo(rows);
    }
}
