package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.FullContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** "A worker exposes health and metrics, and no public API beyond them": the whole service with roles=train. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sentiment.roles=train")
class WorkerRoleTest extends FullContext {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"text\":\"fine\"}")
                        : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json").build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        assertThat(send("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);
        // no model is active in this empty folder: readiness says so, it is not hidden
        assertThat(send("GET", "/actuator/health/readiness").statusCode()).isIn(200, 503);
        HttpResponse<String> metrics = send("GET", "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void everyOtherPathIsNotFoundAsAProblem() throws Exception {
        String[][] calls = {{"GET", "/api/v1/status"}, {"POST", "/api/v1/classify"}, {"GET", "/api/v1/models"},
            {"GET", "/api/v1/training-jobs"}, {"POST", "/api/v1/feedback"}, {"GET", "/v2/models/sentiment"},
            {"GET", "/"}, {"GET", "/index.html"}, {"GET", "/v3/api-docs"}, {"GET", "/swagger-ui.html"}};
        for (String[] call : calls) {
            HttpResponse<String> response = send(call[0], call[1]);
            assertThat(response.statusCode()).as(call[1]).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(call[1]).hasValue("application/problem+json");
            assertThat(response.body()).as(call[1])
                    .contains("\"type\":\"https://sentiment-service.example/problems/not-a-serving-node\"");
        }
    }

    @Test
    void aPathThatOnlyLooksLikeTheActuatorDoesNotReachTheApi() throws Exception {
        // sent byte for byte: an HTTP client would resolve the dots itself before sending
        for (String path : new String[] {"/actuator/../api/v1/status", "/actuator/%2e%2e/api/v1/status",
                "/actuator;x=1/../api/v1/status", "/actuator/..;/api/v1/status"}) {
            String response = raw(path);
            // the container resolves these to /api/v1/status, and so does the filter: the worker's own 404
            assertThat(response).as(path).startsWith("HTTP/1.1 404").doesNotContain("\"storedModels\"")
                    .contains("problems/not-a-serving-node");
        }
    }

    private String raw(String path) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
