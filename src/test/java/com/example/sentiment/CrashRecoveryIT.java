package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged application is killed with SIGKILL while it trains: after a restart the previously active
 * model serves, the job reads FAILED "interrupted by restart", and no partial version is listed or left.
 */
class CrashRecoveryIT {

    @TempDir
    Path models;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private Process process;
    private String base;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://localhost:" + port;
        process = new ProcessBuilder("java", "-jar", System.getProperty("app.jar"), "--server.port=" + port,
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + models.resolve("none"))
                .redirectErrorStream(true).redirectOutput(new File(models.getParent().toFile(), "service.log"))
                .start();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> get("/actuator/health/liveness").statusCode() == 200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        return json.readTree(get(path).body());
    }

    private String train(String config) throws Exception {
        HttpResponse<String> response = http.send(TrainingUpload.request(base, TestCorpus.csv(300, 5), config).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private List<String> versionFolders() throws Exception {
        try (Stream<Path> list = Files.list(models)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".jobs")).toList();
        }
    }

    @Test
    void killedDuringTrainingRestartsCleanly() throws Exception {
        start();
        String first = train("{\"epochs\":3,\"batchSize\":16,\"learningRate\":0.01,\"embeddingSize\":16,"
                + "\"lstmUnits\":16,\"earlyStoppingPatience\":0}");
        await().atMost(Duration.ofMinutes(3)).until(() -> getJson("/api/v1/training-jobs/" + first).get("state")
                .asString().equals("SUCCEEDED"));
        String activeModel = getJson("/api/v1/training-jobs/" + first).get("modelId").asString();

        String doomed = train("{\"epochs\":500,\"batchSize\":2,\"embeddingSize\":16,\"lstmUnits\":16}");
        await().atMost(Duration.ofMinutes(1)).until(() -> getJson("/api/v1/training-jobs/" + doomed).get("progress")
                .get("batch").asInt() > 5);
        process.destroyForcibly().waitFor();

        start();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        JsonNode job = getJson("/api/v1/training-jobs/" + doomed);
        assertThat(job.get("state").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").asString()).isEqualTo("interrupted by restart");
        assertThat(getJson("/api/v1/training-jobs/" + first).get("state").asString()).isEqualTo("SUCCEEDED");
        JsonNode list = getJson("/api/v1/models");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("id").asString()).isEqualTo(activeModel);
        assertThat(versionFolders()).containsExactly(activeModel);
        HttpResponse<String> classified = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/classify"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"a wonderful film\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(classified.statusCode()).isEqualTo(200);
        assertThat(json.readTree(classified.body()).get("modelId").asString()).isEqualTo(activeModel);
    }
}
