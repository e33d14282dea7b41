package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * The bundled models are read-only seeds: the service copies them into its data directory on first start and
 * from then on changes only its own copies, so that following the README leaves {@code git status} clean.
 */
class DataDirectoryTest {

    private static final Path CHECKOUT_MODELS = Path.of("models");

    @TempDir
    Path dir;

    @Test
    void activationSettingsAndDeletionLeaveTheSeedsByteIdenticalAndARestartKeepsTheChanges() throws Exception {
        Path seeds = dir.resolve("repo/models");
        FileSystemUtils.copyRecursively(CHECKOUT_MODELS, seeds);
        Map<String, String> before = digests(seeds);
        String seed = Files.readString(seeds.resolve("active")).trim();
        Path data = dir.resolve("data/models");
        String[] args = {"--server.port=0", "--sentiment.models-dir=" + data, "--sentiment.seeds-dir=" + seeds,
                "--sentiment.seed-models=true", "--sentiment.vectors-dir=" + dir.resolve("no-vectors")};

        String trained;
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class).run(args)) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(activeId(client)).as("the seed's pointer names the first active version").isEqualTo(seed);
            assertThat(data.resolve(seed).resolve("metadata.json")).exists();

            JsonNode job = client.train(TestCorpus.csv(120, 5),
                    TinyModel.jobConfig(1).replace("}", ",\"activate\":true}"));
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            trained = job.get("modelId").asString();
            assertThat(activeId(client)).isEqualTo(trained);

            assertThat(put(client, "/api/v1/models/" + seed + "/settings", "{\"minConfidence\":0.9}").status())
                    .isEqualTo(200);
            assertThat(put(client, "/api/v1/models/active", "{\"modelId\":\"" + seed + "\"}").status()).isEqualTo(200);
            assertThat(activeId(client)).isEqualTo(seed);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/v1/models/" + trained))
                    .DELETE()).status()).isEqualTo(204);
        }

        assertThat(digests(seeds)).as("every seed file byte-identical, nothing added to or removed from the seeds")
                .isEqualTo(before);

        // a second start finds its own versions: the seeds are not copied over the changed threshold
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class).run(args)) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(activeId(client)).isEqualTo(seed);
            assertThat(client.get("/api/v1/models/" + seed).json().get("minConfidence").asDouble()).isEqualTo(0.9);
            assertThat(client.get("/api/v1/models/" + trained).status()).as("a deleted version stays deleted")
                    .isEqualTo(404);
        }
        assertThat(digests(seeds)).isEqualTo(before);
    }

    @Test
    void withoutASeedsFolderTheSeedsPackagedWithTheServiceAreFoundWhateverTheWorkingDirectory() throws Exception {
        Path data = dir.resolve("data/models");
        String bundled = Files.readString(CHECKOUT_MODELS.resolve("active")).trim();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class).run(
                "--server.port=0", "--sentiment.models-dir=" + data, "--sentiment.seed-models=true",
                "--sentiment.vectors-dir=" + dir.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(activeId(client)).isEqualTo(bundled);
        }
        assertThat(Files.readString(data.resolve("active")).trim()).isEqualTo(bundled);
    }

    @Test
    void theDefaultDataDirectoryIsUnderTheUsersHomeNotTheWorkingDirectory() {
        SentimentProperties defaults = TestProperties.of(Map.of());
        Path home = Path.of(System.getProperty("user.home")).toAbsolutePath();
        assertThat(defaults.modelsDir()).isAbsolute().isEqualTo(home.resolve(".sentiment-service/models"));
        assertThat(defaults.jobsDir()).isEqualTo(home.resolve(".sentiment-service/models/.jobs"));
        assertThat(defaults.feedbackDir()).isEqualTo(home.resolve(".sentiment-service/models/.feedback"));
        assertThat(defaults.vectorsDir()).isAbsolute();
        assertThat(defaults.seedsDir()).as("seeds come from the classpath unless a folder is named").isNull();
    }

    private static String activeId(ServiceClient client) throws Exception {
        JsonNode active = client.get("/api/v1/status").json().get("activeModel");
        return active == null || active.isNull() ? null : active.get("id").asString();
    }

    private static ServiceClient.Answer put(ServiceClient client, String path, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(client.base() + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Every file under {@code root} (relative path) with its SHA-256: what {@code git status} compares. */
    private static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                try {
                    digests.put(root.relativize(file).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(d -> digests.put(root.relativize(d) + "/", "dir"));
        }
        return digests;
    }
}
