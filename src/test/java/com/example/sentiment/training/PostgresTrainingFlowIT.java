package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestPostgres;
import com.example.sentiment.TinyModel;
import com.example.sentiment.TrainingUpload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The service with {@code sentiment.queue.type=postgres}, over real HTTP: a serving replica (role {@code serve})
 * accepts a job and never trains it; a worker (role {@code train}) on the same models folder claims it, trains
 * it, names itself in the job, and activates the version by moving the shared pointer. While the database is
 * down the job API answers 503 with a problem detail, and answers again once it is back.
 */
class PostgresTrainingFlowIT {

    @TempDir
    Path models;

    private TestPostgres postgres;

    @BeforeEach
    void emptyDatabase() {
        postgres = TestPostgres.get();
        postgres.reset();
    }

    private ConfigurableApplicationContext start(String roles, String workerName) {
        return new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"),
                        "--sentiment.queue.type=postgres", "--sentiment.queue.lease=6s",
                        "--sentiment.queue.poll-interval=300ms", "--sentiment.queue.worker-name=" + workerName,
                        "--sentiment.postgres.url=" + postgres.url(),
                        "--sentiment.postgres.username=" + postgres.username(),
                        "--sentiment.postgres.connect-timeout=1s", "--sentiment.roles=" + roles);
    }

    @Test
    void aServingReplicaQueuesTheJobAndAWorkerTrainsAndActivatesIt() throws Exception {
        try (ConfigurableApplicationContext replica = start("serve", "http://replica:1")) {
            ServiceClient client = ServiceClient.of(replica);
            ServiceClient.Answer created = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(300, 21),
                    TinyModel.JOB_CONFIG));
            assertThat(created.status()).isEqualTo(202);
            String jobId = created.json().get("id").asString();
            assertThat(created.json().get("state").asString()).isEqualTo("QUEUED");
            assertThat(created.json().get("dataset").get("examplesPerLabel").get("positive").asInt()).isEqualTo(150);

            // a replica without the train role never claims: the job waits through many poll intervals
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    client.get("/api/v1/training-jobs/" + jobId).json().get("state").asString().equals("QUEUED"));

            String modelId;
            try (ConfigurableApplicationContext worker = start("train", "http://worker-7:9090")) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() ->
                        client.get("/api/v1/training-jobs/" + jobId).json().get("state").asString()
                                .matches("SUCCEEDED|FAILED|CANCELLED"));
                JsonNode job = client.get("/api/v1/training-jobs/" + jobId).json();
                assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(job.get("worker").asString()).isEqualTo("http://worker-7:9090");
                assertThat(job.get("attempts").asInt()).isEqualTo(1);
                assertThat(job.get("history").size()).isEqualTo(8);
                assertThat(job.get("dataset").get("examplesPerLabel").get("positive").asInt())
                        .as("the worker read the same file again").isEqualTo(150);
                modelId = job.get("modelId").asString();
                assertThat(Files.exists(models.resolve(modelId).resolve("metadata.json"))).isTrue();
            }
            JdbcTemplate jdbc = new JdbcTemplate(postgres.dataSource());
            Map<String, Object> pointer = jdbc.queryForMap("SELECT model_id, generation FROM active_model");
            assertThat(pointer).containsEntry("model_id", modelId).containsEntry("generation", 1L);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM training_job_chunks", Long.class))
                    .as("the upload is dropped once the job ended").isZero();
        }
    }

    @Test
    void theJobApiAnswers503WhileTheDatabaseIsDownAndRecovers() throws Exception {
        try (ConfigurableApplicationContext replica = start("serve", "http://replica:1")) {
            ServiceClient client = ServiceClient.of(replica);
            assertThat(client.get("/api/v1/training-jobs").status()).isEqualTo(200);
            postgres.down();
            try {
                ServiceClient.Answer down = client.get("/api/v1/training-jobs");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.contentType()).startsWith("application/problem+json");
                assertThat(down.json().get("type").asString()).endsWith("/database-unavailable");
                assertThat(down.headers().firstValue("Retry-After")).isPresent();
                assertThat(client.get("/api/v1/training-jobs/anything").status()).isEqualTo(503);
                assertThat(client.send(TrainingUpload.request(client.base(), TestCorpus.csv(100, 3),
                        TinyModel.JOB_CONFIG)).status()).isEqualTo(503);
                assertThat(client.get("/api/v1/feedback").status()).as("feedback lives there too").isEqualTo(503);
                // the status still answers, with the training part saying why it has no figures
                ServiceClient.Answer status = client.get("/api/v1/status");
                assertThat(status.status()).isEqualTo(200);
                assertThat(status.json().get("training").get("problem").asString()).isNotBlank();
                assertThat(status.json().get("training").get("queuedJobs").isNull()).isTrue();
            } finally {
                postgres.up();
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> client.get("/api/v1/training-jobs").status() == 200);
            assertThat(client.get("/api/v1/training-jobs/anything").status()).isEqualTo(404);
        }
    }
}
