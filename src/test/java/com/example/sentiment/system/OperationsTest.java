package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TrainingUpload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as operators see it: readiness before and after a model is active, API keys, actuator exposure,
 * Prometheus metrics after real work, and the JSON size limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sentiment.security.api-key=op-secret",
    "sentiment.classify.max-request-size=2KB"})
class OperationsTest extends FullContext {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    private HttpRequest.Builder asAdmin(String path) {
        return at(path).header("X-API-Key", "op-secret");
    }

    private HttpRequest.Builder upload(String key) {
        HttpRequest.Builder request = TrainingUpload.request("http://localhost:" + port, TestCorpus.csv(200, 21),
                "{\"epochs\":3,\"batchSize\":16,\"learningRate\":0.01,\"embeddingSize\":16,\"lstmUnits\":16,"
                        + "\"earlyStoppingPatience\":0}");
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return request;
    }

    @Test
    void readinessFollowsTheActiveModelAndKeysGuardStateChanges() throws Exception {
        // the details of health need the admin key; the probes' status codes do not
        await().atMost(Duration.ofSeconds(30)).until(() -> send(asAdmin("/actuator/health/readiness")).body().contains("activeModel"));
        assertThat(send(at("/actuator/health/liveness")).statusCode()).isEqualTo(200);
        assertThat(send(at("/actuator/health/readiness")).statusCode()).isEqualTo(503);
        HttpResponse<String> notReady = send(asAdmin("/actuator/health/readiness"));
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("no active model");

        HttpResponse<String> refused = send(upload(null));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(send(upload("wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> accepted = send(upload("op-secret"));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String jobId = JsonMapper.builder().build().readTree(accepted.body()).get("id").asString();

        assertThat(send(at("/api/v1/training-jobs/" + jobId)).statusCode()).as("job details need the admin key").isEqualTo(401);
        await().atMost(Duration.ofMinutes(2)).until(() -> send(asAdmin("/api/v1/training-jobs/" + jobId)).body()
                .contains("\"state\":\"SUCCEEDED\""));
        assertThat(send(at("/actuator/health/readiness")).statusCode()).isEqualTo(200);
        assertThat(send(at("/api/v1/status")).body()).contains("\"apiKeyRequired\":true");
        HttpResponse<String> classified = send(at("/api/v1/classify").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"a wonderful film\"}")));
        assertThat(classified.statusCode()).isEqualTo(200);

        String prometheus = send(at("/actuator/prometheus")).body();
        assertThat(prometheus).contains("sentiment_classify_latency_seconds_bucket", "outcome=\"success\"",
                "sentiment_predictions_total", "sentiment_prediction_confidence", "sentiment_inference_batch_size",
                "sentiment_model_load_seconds", "sentiment_training_jobs{state=\"SUCCEEDED\"} 1",
                "sentiment_training_duration_seconds", "sentiment_training_examples_per_second");
        // the documented request timer stays; the per-request long-task timer was cut (docs/benchmarks.md)
        assertThat(prometheus).contains("http_server_requests_seconds_count{")
                .doesNotContain("http_server_requests_active_seconds");
        assertThat(send(at("/actuator/info")).body()).contains("\"build\"", "\"activeModel\"", "\"git\"");
    }

    @Test
    void healthDetailsNeedTheAdminKeyAndTheProbesStillAnswer() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        for (String key : new String[] {null, "wrong"}) {
            HttpRequest.Builder request = at("/actuator/health");
            if (key != null) {
                request.header("X-API-Key", key);
            }
            HttpResponse<String> health = send(request);
            assertThat(health.statusCode()).isIn(200, 503);
            assertThat(json.readTree(health.body()).has("status")).isTrue();
            assertThat(health.body()).as("key " + key).doesNotContain("components", "diskSpace", "details",
                    models.toString());
        }
        HttpResponse<String> admin = send(asAdmin("/actuator/health"));
        assertThat(admin.body()).contains("components", "diskSpace", "modelStore");
        // Kubernetes probes send no key: they get their status, with the status code that decides
        HttpResponse<String> liveness = send(at("/actuator/health/liveness"));
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json.readTree(liveness.body()).get("status").asString()).isEqualTo("UP");
        assertThat(send(at("/actuator/health/readiness")).body()).contains("\"status\"").doesNotContain("components");
    }

    @Test
    void onlyTheNeededActuatorEndpointsAreExposed() throws Exception {
        for (String endpoint : new String[] {"env", "beans", "heapdump", "threaddump", "configprops", "loggers", "shutdown"}) {
            assertThat(send(at("/actuator/" + endpoint)).statusCode()).as(endpoint).isEqualTo(404);
        }
        for (String endpoint : new String[] {"health", "info", "metrics", "prometheus"}) {
            assertThat(send(at("/actuator/" + endpoint)).statusCode()).as(endpoint).isIn(200, 503);
        }
        HttpResponse<String> swagger = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(at("/swagger-ui.html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(swagger.statusCode()).isEqualTo(200);
        assertThat(swagger.body()).contains("swagger-ui");
    }

    @Test
    void aJsonBodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> response = send(at("/api/v1/classify").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + "a".repeat(3000) + "\"}")));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("payload-too-large", "max-request-size");
    }
}
