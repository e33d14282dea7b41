package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-client suite, over real HTTP against a service that has a model: every bad request answers a
 * clear 4xx problem detail (never a 500, never a stack trace), odd but valid texts are classified, and
 * afterwards the service still gives exactly the answers it gave before. Then determinism: the same text gets
 * the same scores alone, in a batch, under concurrency and after a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    @TempDir
    static Path models;

    static ConfigurableApplicationContext app;
    static ServiceClient client;
    static final JsonMapper JSON = ServiceClient.JSON;
    static final String TINY_CONFIG = TinyModel.jobConfig(4);
    static final String PROBE = "the acting was wonderful and the music great";

    static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(SentimentApplication.class).run("--server.port=0",
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + models.resolve("no-vectors"),
                "--sentiment.classify.max-text-length=100", "--sentiment.classify.max-batch-size=3",
                "--sentiment.classify.max-request-size=64KB");
    }

    @BeforeAll
    static void startWithATrainedModel() throws Exception {
        app = start();
        client = ServiceClient.of(app);
        assertThat(client.train(TestCorpus.csv(200, 5), TINY_CONFIG).get("state").asString()).isEqualTo("SUCCEEDED");
        client.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** One bad request and the answer it must get. */
    record Hostile(String what, String path, String contentType, byte[] body, int status, String type, String detail) {
        static Hostile json(String what, String path, String body, int status, String type, String detail) {
            return new Hostile(what, path, "application/json", body.getBytes(StandardCharsets.UTF_8), status, type, detail);
        }
    }

    static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    @Test
    @Order(1)
    void everyBadRequestIsAClearProblemAndTheServiceAnswersAsBefore() throws Exception {
        JsonNode before = client.postJson("/api/v1/classify", "{\"text\":\"" + PROBE + "\"}").json();
        String one = "/api/v1/classify";
        String many = "/api/v1/classify/batch";
        List<Hostile> requests = List.of(
                Hostile.json("malformed", one, "{\"text\": \"unterminated", 400, "malformed-request", null),
                Hostile.json("number for text", one, "{\"text\": 5}", 400, "malformed-request", "text"),
                Hostile.json("string for texts", many, "{\"texts\": \"x\"}", 400, "malformed-request", "texts"),
                Hostile.json("null", one, "null", 400, "", null),
                Hostile.json("empty object", one, "{}", 400, "invalid-request", "text"),
                Hostile.json("duplicate key", one, "{\"text\":\"ok\",\"text\":\"again\"}", 400, "malformed-request", "text"),
                Hostile.json("deeply nested", one, "{\"text\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400,
                        "malformed-request", null),
                Hostile.json("huge exponent", one, "{\"text\":\"ok\",\"modelId\":1e999999999}", 400, "malformed-request", null),
                Hostile.json("huge integer", one, "{\"text\":\"ok\",\"modelId\":" + "9".repeat(2000) + "}", 400,
                        "malformed-request", null),
                Hostile.json("far over the size limit", one, "{\"text\":\"" + "a".repeat(1_000_000) + "\"}", 413,
                        "payload-too-large", null),
                new Hostile("no content type", one, null, "{\"text\":\"ok\"}".getBytes(StandardCharsets.UTF_8), 415,
                        "unsupported-media-type", null),
                new Hostile("text/plain", one, "text/plain", "great".getBytes(StandardCharsets.UTF_8), 415,
                        "unsupported-media-type", null),
                new Hostile("invalid UTF-8", one, "application/json", concat("{\"text\":\"bad ", new byte[] {(byte) 0xff,
                    (byte) 0xfe, (byte) 0xc3, 0x28}, " bytes\"}"), 400, "malformed-request", null),
                Hostile.json("empty text", one, "{\"text\":\"\"}", 400, "invalid-request", "text"),
                Hostile.json("whitespace only", one, "{\"text\":\" \\t\\n \"}", 400, "invalid-request", "text"),
                Hostile.json("10x the length limit", one, "{\"text\":\"" + "a".repeat(1000) + "\"}", 400,
                        "invalid-request", "at most 100 characters"),
                Hostile.json("10x the batch limit", many, "{\"texts\":[" + "\"ok\",".repeat(29) + "\"ok\"]}", 400,
                        "invalid-request", "at most 3 texts"),
                Hostile.json("one blank element", many, "{\"texts\":[\"fine\",\"good\",\"  \"]}", 400, "invalid-request",
                        "texts[2]"),
                Hostile.json("one null element", many, "{\"texts\":[\"fine\",null]}", 400, "invalid-request", "texts[1]"),
                Hostile.json("NaN in the training config is not JSON", "/api/v1/classify", "{\"text\":NaN}", 400,
                        "malformed-request", null));
        for (Hostile h : requests) {
            ServiceClient.Answer answer = client.post(h.path(), h.contentType(), h.body());
            assertThat(answer.status()).as(h.what() + ": " + answer.body()).isEqualTo(h.status());
            assertThat(answer.contentType()).as(h.what()).startsWith("application/problem+json");
            JsonNode problem = answer.json();
            assertThat(problem.get("type").asString()).as(h.what()).contains(h.type());
            assertThat(problem.get("detail").asString()).as(h.what()).isNotBlank();
            if (h.detail() != null) {
                assertThat(answer.body()).as(h.what()).contains(h.detail());
            }
            assertThat(answer.body()).as(h.what()).doesNotContain("Exception", "\tat ");
        }

        // odd but valid texts are classified, not refused
        for (String odd : List.of("!!!", "?!.,;", "\uD83D\uDE00\uD83D\uDE21", "zzyzx qwerty blorp", "tab\there \u0000 nul \u0007",
                "\u05e1\u05e8\u05d8 \u05d8\u05d5\u05d1 \u202e", "cafe\u0301 wonderful")) {
            ServiceClient.Answer r = client.postJson(one, JSON.writeValueAsString(Map.of("text", odd)));
            assertThat(r.status()).as(odd).isEqualTo(200);
            assertThat(ServiceClient.scores(r.json())).hasSize(2);
        }

        // the stored models and jobs are untouched, and the same text gets the same answer
        assertThat(client.get("/api/v1/models").json().size()).isEqualTo(1);
        assertThat(client.get("/api/v1/training-jobs").json().get("items").size()).isEqualTo(1);
        JsonNode after = client.postJson("/api/v1/classify", "{\"text\":\"" + PROBE + "\"}").json();
        assertThat(ServiceClient.scores(after)).isEqualTo(ServiceClient.scores(before));
    }

    @Test
    @Order(2)
    void badUploadsAreRefusedWithTheReason() throws Exception {
        String csv = TestCorpus.csv(20, 1);
        ServiceClient.Answer wrongPart = client.send(TrainingUpload.request(client.base(), "file", csv, null));
        assertThat(wrongPart.status()).isEqualTo(400);
        assertThat(wrongPart.body()).contains("data");

        for (String config : List.of("{\"learningRate\":NaN}", "{\"epochs\":1e400}", "{\"batchSize\":" + "9".repeat(30) + "}",
                "{\"dropout\":\"half\"}")) {
            ServiceClient.Answer answer = client.send(TrainingUpload.request(client.base(), csv, config));
            assertThat(answer.status()).as(config).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).as(config).doesNotContain("Exception");
        }

        // a million identical rows are read (and refused: one label), a million and one hit the documented row limit
        String row = "the very same sentence again,positive\n";
        ServiceClient.Answer million = client.send(TrainingUpload.request(client.base(), "text,label\n" + row.repeat(1_000_000), null));
        assertThat(million.status()).as(million.body()).isEqualTo(422);
        assertThat(million.body()).contains("at least 2 different labels");
        ServiceClient.Answer tooMany = client.send(TrainingUpload.request(client.base(), "text,label\n" + row.repeat(1_000_001), null));
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.body()).contains("more than 1000000 rows", "sentiment.training.max-rows");

        for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..", "%2e%2e", "nope")) {
            for (String path : List.of("/api/v1/models/", "/api/v1/training-jobs/")) {
                ServiceClient.Answer answer = client.get(path + id);
                assertThat(answer.status()).as(path + id).isBetween(400, 404);
                assertThat(answer.contentType()).as(path + id).startsWith("application/problem+json");
            }
        }
        assertThat(client.get("/api/v1/training-jobs").json().get("items").size()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void theSameTextGetsTheSameScoresAloneInABatchUnderConcurrencyAndAfterARestart() throws Exception {
        List<String> texts = TestCorpus.examples(48, 77).stream().map(TestCorpus.Example::text).toList();
        List<Map<String, Double>> alone = new ArrayList<>();
        for (String text : texts) {
            alone.add(client.scores(text));
        }
        for (int i = 0; i < texts.size(); i += 3) {
            JsonNode batch = client.postJson("/api/v1/classify/batch", JSON.writeValueAsString(Map.of("texts", texts.subList(i, i + 3)))).json();
            for (int k = 0; k < 3; k++) {
                assertClose(ServiceClient.scores(batch.get("results").get(k)), alone.get(i + k));
            }
        }
        ExecutorService clients = Executors.newFixedThreadPool(24);
        try {
            List<Future<JsonNode>> concurrent = new ArrayList<>();
            for (String text : texts) {
                concurrent.add(clients.submit(() -> client.postJson("/api/v1/classify", JSON.writeValueAsString(Map.of("text", text))).json()));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertClose(ServiceClient.scores(concurrent.get(i).get()), alone.get(i));
            }
        } finally {
            clients.shutdownNow();
        }

        app.close();
        app = start();
        client = ServiceClient.of(app);
        client.awaitReady();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(client.scores(texts.get(i)))
                    .as("after restart: " + texts.get(i)).isEqualTo(alone.get(i));
        }
    }

    /** Batches of other sizes go through other BLAS code paths, so the last float bits may differ. */
    private static void assertClose(Map<String, Double> actual, Map<String, Double> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((label, score) -> assertThat(actual.get(label)).as(label).isCloseTo(score, within(1e-6)));
    }
}
