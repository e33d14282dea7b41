package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.TrainingUpload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Cross-site request forgery against the default setup (no API keys): a page on another site that posts a
 * training job (a multipart form needs no CORS preflight) is refused before anything is queued, while the
 * console served at {@code /} - same-origin - and clients that are not browsers go on working.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrossSiteRequestTest extends FullContext {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://localhost:" + port;
    }

    @Test
    void anotherSitesFormCannotTrainOrActivate() throws Exception {
        HttpResponse<String> forged = send(TrainingUpload.request(base(), TestCorpus.csv(200, 3), TinyModel.jobConfig(1))
                .header("Origin", "http://evil.example").header("Sec-Fetch-Site", "cross-site"));
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(forged.body()).contains("/problems/cross-site-request");
        HttpResponse<String> activate = send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/models/active"))
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"modelId\":\"m\"}")));
        assertThat(activate.statusCode()).as(activate.body()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/training-jobs"))).body())
                .as("nothing was queued").contains("\"total\":0");
    }

    @Test
    void theConsoleAndOtherClientsStillWork() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(base() + "/"))).statusCode()).isEqualTo(200);
        // what a browser sends for the console's own fetch(): its origin is the service's
        HttpResponse<String> console = send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/models/active"))
                .header("Content-Type", "application/json").header("Origin", base())
                .header("Sec-Fetch-Site", "same-origin").PUT(HttpRequest.BodyPublishers.ofString("{\"modelId\":\"m\"}")));
        assertThat(console.statusCode()).as("reached the handler: no such model").isEqualTo(404);
        assertThat(console.body()).contains("model-not-found");
        HttpResponse<String> script = send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/models/active"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"modelId\":\"m\"}")));
        assertThat(script.body()).contains("model-not-found");
    }
}
