package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.BundledModel;
import com.example.sentiment.PackagedService;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The scale-out mode end to end, on the packaged jar: replica A accepts a file and starts the job; it is killed
 * ({@code kill -9}) mid-job, its lease still held; replica B, which shares nothing with A but PostgreSQL, the
 * object store (S3Proxy) and the models folder, claims the job once A's lease has run out, resumes it from the
 * last committed row, and hands out results in which every input row is answered exactly once, in order.
 */
class ClassificationJobScaleOutIT {

    static final Path SCRIPT = Path.of("scripts/test-servers/s3proxy.sh");
    static final int ROWS = 40_000;

    @TempDir
    static Path serverDir;

    static String endpoint;

    @TempDir
    Path dir;

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

    /** A replica with its own disk for everything but the models folder. */
    private PackagedService replica(String name, TestPostgres postgres) throws Exception {
        return PackagedService.start(dir.resolve("models"), dir.resolve(name + ".log"), List.of(
                "--sentiment.classification-jobs.store=postgres", "--sentiment.storage.pointer=filesystem",
                "--sentiment.postgres.url=" + postgres.url(), "--sentiment.postgres.username=" + postgres.username(),
                "--sentiment.queue.lease=3s", "--sentiment.queue.poll-interval=200ms",
                "--sentiment.queue.worker-name=replica-" + name,
                "--sentiment.classification-jobs.directory=" + dir.resolve("local-" + name),
                "--sentiment.classification-jobs.commit-rows=100",
                "--sentiment.storage.s3.endpoint=" + endpoint, "--sentiment.storage.s3.bucket=scale-out-jobs",
                "--sentiment.storage.s3.access-key=local", "--sentiment.storage.s3.secret-key=local"),
                "-Xmx768m");
    }

    private static HttpRequest.Builder upload(String base, String csv) {
        String boundary = "----test" + System.nanoTime();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"rows.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/classification-jobs?outputFormat=csv"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    @Test
    void aJobOfAKilledReplicaIsFinishedByAnotherWithEveryRowOnce() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        postgres.reset();
        BundledModel.copyTo(Files.createDirectories(dir.resolve("models")));
        String[] words = {"a wonderful film", "dull and far too long", "great acting", "the worst plot", "fine"};
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append("row-").append(i).append(',').append(words[i % words.length]).append(' ').append(i).append('\n');
        }

        String id;
        long rowsWhenKilled;
        try (PackagedService a = replica("a", postgres)) {
            ServiceClient client = a.client();
            ServiceClient.Answer created = client.send(upload(client.base(), csv.toString()));
            assertThat(created.status()).as(created.body()).isEqualTo(202);
            id = created.json().get("id").asString();
            JsonNode running = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.get("/api/v1/classification-jobs/" + id).json(),
                            j -> j.get("progress").get("rowsDone").asLong() >= 300);
            a.kill();
            assertThat(running.get("state").asString()).isEqualTo("RUNNING");
            rowsWhenKilled = running.get("progress").get("rowsDone").asLong();
        }
        assertThat(rowsWhenKilled).as("killed mid-job").isLessThan(ROWS);

        try (PackagedService b = replica("b", postgres)) {
            ServiceClient client = b.client();
            JsonNode done = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> client.get("/api/v1/classification-jobs/" + id).json(),
                            j -> !j.get("state").asString().matches("QUEUED|RUNNING"));
            assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.get("progress").get("rowsDone").asLong()).isEqualTo(ROWS);

            ServiceClient.Answer results = client.get("/api/v1/classification-jobs/" + id + "/results");
            assertThat(results.status()).isEqualTo(200);
            List<String> lines = results.body().lines().toList();
            assertThat(lines.get(0)).startsWith("id,label,");
            assertThat(lines).hasSize(ROWS + 1);
            for (int i = 0; i < ROWS; i++) {
                String line = lines.get(i + 1);
                assertThat(line.substring(0, line.indexOf(','))).as("line %d", i + 1).isEqualTo("row-" + i);
            }
        }
        // b went on from a's last commit, not from the start
        java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("Classification job " + id
                + " runs on replica-b from row ([0-9]+)").matcher(Files.readString(dir.resolve("b.log")));
        assertThat(resumed.find()).isTrue();
        assertThat(Long.parseLong(resumed.group(1))).isBetween(rowsWhenKilled, (long) ROWS - 1);
    }
}
