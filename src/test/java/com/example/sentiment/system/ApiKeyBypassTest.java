package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.BundledModel;
import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API-key check against what an attacker actually sends: raw request lines on a socket (no client that
 * normalises the path), every protected route, each written in the ways a servlet container still routes to the
 * same handler ({@code ;parameters}, percent-encoded letters, {@code //}, {@code /./}, {@code ..}, encoded
 * slashes, a trailing slash). With both keys set and no key sent, each must be refused (401), or not routed at
 * all (404 of the generic type, or Tomcat's own 400), and nothing may change.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sentiment.security.api-key=admin-secret",
    "sentiment.security.classify-api-key=classify-secret"})
class ApiKeyBypassTest extends FullContext {

    /** The bundled model's id; the model is copied into {@link #models} when the service is configured. */
    static String MODEL_ID;

    @DynamicPropertySource
    static void bundledModel(DynamicPropertyRegistry registry) throws IOException {
        MODEL_ID = BundledModel.copyTo(models);
    }

    @LocalServerPort
    int port;

    /** One protected call: what it would do if it reached its handler. */
    record Route(String method, String path, String contentType, byte[] body) {
        static Route json(String method, String path, String body) {
            return new Route(method, path, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Status and the raw text of one answer. */
    record Answer(int status, String text) {
    }

    private List<Route> protectedRoutes() {
        String boundary = "----bypass";
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"train.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + TestCorpus.csv(200, 5) + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n"
                + "{\"epochs\":1,\"batchSize\":16,\"embeddingSize\":8,\"lstmUnits\":8,\"wordVectors\":\"none\"}\r\n"
                + "--" + boundary + "--\r\n";
        String infer = "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"great film\"]}]}";
        return List.of(
                new Route("POST", "/api/v1/training-jobs", "multipart/form-data; boundary=" + boundary,
                        multipart.getBytes(StandardCharsets.UTF_8)),
                Route.json("GET", "/api/v1/training-jobs", ""),
                Route.json("POST", "/api/v1/training-jobs/some-job/cancel", ""),
                Route.json("PUT", "/api/v1/models/active", "{\"modelId\":\"" + MODEL_ID + "\"}"),
                Route.json("PUT", "/api/v1/models/" + MODEL_ID + "/settings", "{\"minConfidence\":0.99}"),
                Route.json("DELETE", "/api/v1/models/" + MODEL_ID, ""),
                Route.json("POST", "/api/v1/classify", "{\"text\":\"great film\"}"),
                Route.json("POST", "/api/v1/classify/batch", "{\"texts\":[\"great film\"]}"),
                Route.json("POST", "/api/v1/feedback", "{\"text\":\"great film\",\"label\":\"positive\"}"),
                Route.json("GET", "/api/v1/feedback", ""),
                Route.json("GET", "/api/v1/feedback/export", ""),
                Route.json("DELETE", "/api/v1/feedback/20261201-000000-000-00000000", ""),
                Route.json("POST", "/v2/models/sentiment/infer", infer),
                Route.json("POST", "/v2/models/sentiment/versions/" + MODEL_ID + "/infer", infer));
    }

    /** The spellings of {@code path} that a container or Spring may still route to the same handler. */
    static Set<String> spellings(String path) {
        String[] segments = path.substring(1).split("/");
        Set<String> out = new LinkedHashSet<>();
        out.add(path);
        out.add(path + "/");
        out.add(path + ";x");
        out.add("/x/.." + path);
        out.add(path.replace("/v1/", "/%76%31/").replace("/v2/", "/%76%32/"));
        for (int i = 0; i < segments.length; i++) {
            out.add(join(segments, i, "/", segments[i] + ";x"));
            out.add(join(segments, i, "/", segments[i] + ";"));
            out.add(join(segments, i, "/", percentEncodeFirst(segments[i])));
            out.add(join(segments, i, "//", segments[i]));
            out.add(join(segments, i, "/./", segments[i]));
            out.add(join(segments, i, "/x/../", segments[i]));
            if (i > 0) {
                out.add(join(segments, i, "%2F", segments[i]));
                out.add(join(segments, i, "%2f", segments[i]));
            }
        }
        return out;
    }

    /** {@code segments} joined by {@code /}, with segment {@code at} replaced by {@code separator + replacement}. */
    private static String join(String[] segments, int at, String separator, String replacement) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            path.append(i == at ? separator + replacement : "/" + segments[i]);
        }
        return path.toString();
    }

    private static String percentEncodeFirst(String segment) {
        return String.format("%%%02X", (int) segment.charAt(0)) + segment.substring(1);
    }

    /** Writes one request exactly as given and reads the whole answer ({@code Connection: close}). */
    Answer raw(String method, String path, String contentType, byte[] body, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            if (body.length > 0) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                in.transferTo(answer);
            } catch (java.net.SocketException reset) {
                // the server may close while the unread body is still being sent; the answer was read before
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    Answer adminGet(String path) throws IOException {
        return raw("GET", path, "", new byte[0], "X-API-Key: admin-secret");
    }

    /** The state the protected calls would change, read with the admin key. */
    String state() throws IOException {
        return body(adminGet("/api/v1/training-jobs")) + "\n" + body(adminGet("/api/v1/models"))
                + "\n" + body(adminGet("/api/v1/models/" + MODEL_ID)) + "\n" + body(adminGet("/api/v1/feedback"));
    }

    private static String body(Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        int start = answer.text().indexOf("\r\n\r\n");
        return answer.text().substring(start + 4);
    }

    @Test
    void noSpellingOfAProtectedPathSkipsTheKeyCheck() throws Exception {
        // the active model loads in the background; "active" in the listing changes when it is in
        await().atMost(Duration.ofSeconds(60)).until(() -> adminGet("/actuator/health/readiness").status() == 200);
        String before = state();
        assertThat(before).contains(MODEL_ID);
        SoftAssertions softly = new SoftAssertions();
        int requests = 0;
        for (Route route : protectedRoutes()) {
            for (String path : spellings(route.path())) {
                Answer answer = raw(route.method(), path, route.contentType(), route.body());
                requests++;
                String what = route.method() + " " + path + " answered " + answer.text();
                softly.assertThat(answer.status()).as(what).isIn(400, 401, 404);
                if (answer.status() == 404) {
                    // routed nowhere: the framework's generic not-found, not a handler's "no such model/job"
                    softly.assertThat(answer.text()).as(what).contains("/problems/not-found\"");
                }
            }
        }
        softly.assertAll();
        assertThat(requests).isGreaterThan(300);
        assertThat(state()).as("no handler ran: no job, no correction, the same models and settings")
                .isEqualTo(before);
    }

    @Test
    void theKeysStillOpenEveryRoute() throws Exception {
        // the refusals above are the key check's, not a route that no longer exists
        Answer classify = raw("POST", "/api/v1/classify", "application/json",
                "{\"text\":\"great film\"}".getBytes(StandardCharsets.UTF_8), "X-API-Key: classify-secret");
        assertThat(classify.status()).as(classify.text()).isEqualTo(200);
        Answer settings = raw("PUT", "/api/v1/models/" + MODEL_ID + "/settings", "application/json",
                "{\"minConfidence\":null}".getBytes(StandardCharsets.UTF_8), "X-API-Key: admin-secret");
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        Answer cancel = raw("POST", "/api/v1/training-jobs/no-such-job/cancel", "", new byte[0],
                "X-API-Key: admin-secret");
        assertThat(cancel.status()).as(cancel.text()).isEqualTo(404);
        assertThat(cancel.text()).contains("training-job-not-found");
    }
}
