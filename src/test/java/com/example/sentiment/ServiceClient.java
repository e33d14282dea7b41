package com.example.sentiment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/** Talks real HTTP to a running service, for the tests that start the whole application. */
public record ServiceClient(String base, HttpClient http) {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    public static ServiceClient of(ConfigurableApplicationContext app) {
        return new ServiceClient("http://localhost:" + app.getEnvironment().getProperty("local.server.port"),
                HttpClient.newHttpClient());
    }

    /** Status, headers and body of one answer. */
    public record Answer(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    public Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers(), r.body());
    }

    public Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)));
    }

    public Answer post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public Answer postJson(String path, String body) throws Exception {
        return post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST /api/v1/classify} of one text; the answer's label scores. */
    public Map<String, Double> scores(String text) throws Exception {
        return scores(postJson("/api/v1/classify", JSON.writeValueAsString(Map.of("text", text))).json());
    }

    public static Map<String, Double> scores(JsonNode result) {
        return JSON.convertValue(result.get("scores"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, Double.class));
    }

    /** Uploads a CSV with a config, waits for the job to end and returns its final view. */
    public JsonNode train(String csv, String config) throws Exception {
        Answer created = send(TrainingUpload.request(base, csv, config));
        if (created.status() != 202) {
            throw new AssertionError("training refused: " + created.body());
        }
        String jobId = created.json().get("id").asString();
        await().atMost(Duration.ofMinutes(3)).until(() ->
                !get("/api/v1/training-jobs/" + jobId).json().get("state").asString().matches("QUEUED|RUNNING"));
        return get("/api/v1/training-jobs/" + jobId).json();
    }

    public void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/actuator/health/readiness").status() == 200);
    }
}
