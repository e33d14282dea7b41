package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged application is killed with SIGKILL while it trains: after a restart the previously active
 * model serves, the job reads FAILED "interrupted by restart", and no partial version is listed or left.
 */
class CrashRecoveryIT {

    @TempDir
    Path models;

    private PackagedService service;
    private ServiceClient client;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    private void start() throws Exception {
        service = PackagedService.start(models, models.getParent().resolve("service.log"));
        client = service.client();
    }

    private JsonNode getJson(String path) throws Exception {
        return client.get(path).json();
    }

    private String train(String config) throws Exception {
        ServiceClient.Answer response = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(300, 5), config));
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
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
        service.kill();

        start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/actuator/health/readiness").status() == 200);
        JsonNode job = getJson("/api/v1/training-jobs/" + doomed);
        assertThat(job.get("state").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").asString()).isEqualTo("interrupted by restart");
        assertThat(getJson("/api/v1/training-jobs/" + first).get("state").asString()).isEqualTo("SUCCEEDED");
        JsonNode list = getJson("/api/v1/models");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("id").asString()).isEqualTo(activeModel);
        assertThat(versionFolders()).containsExactly(activeModel);
        ServiceClient.Answer classified = client.postJson("/api/v1/classify", "{\"text\":\"a wonderful film\"}");
        assertThat(classified.status()).isEqualTo(200);
        assertThat(classified.json().get("modelId").asString()).isEqualTo(activeModel);
    }
}
