package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;

/**
 * A multi-label job through the API: a CSV whose label column holds {@code billing|urgent}, trained, its version's
 * figures and thresholds, then {@code /classify}, {@code /classify/batch} and {@code /v2} answering several labels
 * (or none) with every label's own probability; a JSON Lines upload with label arrays is read as multi-label too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiLabelApiTest extends FullContext {

    private static final String CONFIG = "{\"name\":\"tickets\",\"preset\":\"none\",\"epochs\":8,\"batchSize\":16,"
            + "\"learningRate\":0.01,\"embeddingSize\":16,\"lstmUnits\":16,\"dropout\":0.2,\"embeddingDropout\":0,"
            + "\"maxSequenceLength\":40,\"earlyStoppingPatience\":0,\"activate\":true}";
    private static final String[] BILLING = {"invoice", "refund", "charge", "payment", "bill"};
    private static final String[] URGENT = {"asap", "immediately", "now", "emergency", "quickly"};
    private static final String[] FILLER = {"the", "please", "my", "account", "hello", "team", "thanks", "about",
        "with", "question", "order", "today"};
    private static String modelId;

    /** Rows of billing, urgent or both, each told by its own words; {@code jsonl}: label arrays. */
    static String tickets(int n, long seed, boolean jsonl) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(jsonl ? "" : "text,label\n");
        for (int i = 0; i < n; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 3 + random.nextInt(4); w++) {
                words.add(FILLER[random.nextInt(FILLER.length)]);
            }
            int kind = random.nextInt(3);
            List<String> labels = new ArrayList<>();
            if (kind != 1) {
                words.add(random.nextInt(words.size() + 1), BILLING[random.nextInt(BILLING.length)]);
                labels.add("billing");
            }
            if (kind != 0) {
                words.add(random.nextInt(words.size() + 1), URGENT[random.nextInt(URGENT.length)]);
                labels.add("urgent");
            }
            String text = String.join(" ", words);
            out.append(jsonl ? "{\"text\":\"" + text + "\",\"labels\":[\"" + String.join("\",\"", labels) + "\"]}\n"
                    : text + "," + String.join("|", labels) + "\n");
        }
        return out.toString();
    }

    private MockHttpServletResponse startJob(String filename, String data, String config) throws Exception {
        return mvc.perform(multipart("/api/v1/training-jobs")
                .file(new MockMultipartFile("data", filename, "text/plain", data.getBytes(StandardCharsets.UTF_8)))
                .file(new MockMultipartFile("config", "", "application/json", config.getBytes(StandardCharsets.UTF_8))))
                .andReturn().getResponse();
    }

    private JsonNode getJson(String path) throws Exception {
        return read(perform(get(path)));
    }

    private MockHttpServletResponse postJson(String path, String body) throws Exception {
        return perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private JsonNode finished(String jobId) {
        JsonNode[] job = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            job[0] = getJson("/api/v1/training-jobs/" + jobId);
            return job[0].get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
        });
        return job[0];
    }

    @Test
    @Order(1)
    void aPipeSeparatedLabelColumnTrainsAMultiLabelVersion() throws Exception {
        MockHttpServletResponse created = startJob("tickets.csv", tickets(360, 1, false), CONFIG);
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        JsonNode dataset = read(created).get("dataset");
        assertThat(dataset.get("examplesPerLabel").propertyNames()).containsExactly("billing", "urgent");
        assertThat(dataset.get("labelCombinations").propertyNames())
                .containsExactlyInAnyOrder("billing", "urgent", "billing|urgent");
        int combinations = 0;
        for (JsonNode count : dataset.get("labelCombinations")) {
            combinations += count.asInt();
        }
        assertThat(combinations).isEqualTo(360);

        JsonNode job = finished(read(created).get("id").asString());
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        modelId = job.get("modelId").asString();
        JsonNode model = getJson("/api/v1/models/" + modelId);
        assertThat(model.get("labels").size()).isEqualTo(2);
        JsonNode multi = model.get("evaluation").get("multiLabel");
        assertThat(multi.get("microF1").asDouble()).isGreaterThan(0.8);
        assertThat(multi.get("hammingLoss").asDouble()).isLessThan(0.2);
        assertThat(multi.get("thresholds").size()).isEqualTo(2);
        assertThat(model.get("evaluation").get("perLabel").get(1).get("support").asInt()).isPositive();
        assertThat(Files.readString(models.resolve(modelId).resolve("thresholds.json"))).startsWith("[");
    }

    @Test
    @Order(2)
    void classifyAnswersEveryLabelsProbabilityAndTheLabelsOverTheirThresholds() throws Exception {
        JsonNode both = read(postJson("/api/v1/classify", "{\"text\":\"please refund my order immediately\"}"));
        assertThat(both.get("modelId").asString()).isEqualTo(modelId);
        assertThat(both.get("labels").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("billing", "urgent");
        double sum = both.get("scores").get("billing").asDouble() + both.get("scores").get("urgent").asDouble();
        assertThat(sum).as("independent sigmoids, not a softmax").isGreaterThan(1.2);

        JsonNode batch = read(postJson("/api/v1/classify/batch",
                "{\"texts\":[\"hello a question about my invoice\",\"emergency help now\"]}"));
        assertThat(batch.get("results").get(0).get("labels").valueStream().map(JsonNode::asString).toList())
                .containsExactly("billing");
        assertThat(batch.get("results").get(1).get("labels").valueStream().map(JsonNode::asString).toList())
                .containsExactly("urgent");

        // minConfidence above every probability: the answer abstains and no label is chosen
        JsonNode abstained = read(postJson("/api/v1/classify", "{\"text\":\"refund now\",\"minConfidence\":1}"));
        if (abstained.get("confidence").asDouble() < 1) {
            assertThat(abstained.get("abstained").asBoolean()).isTrue();
            assertThat(abstained.get("labels").size()).isZero();
        }

        JsonNode explained = read(postJson("/api/v1/classify",
                "{\"text\":\"refund my bill immediately\",\"explain\":true,\"explainLabel\":\"urgent\"}"));
        JsonNode weights = explained.get("explanation");
        assertThat(weights.size()).isEqualTo(4);
        // the urgent word carries the urgent label's probability
        assertThat(weights.get(3).get("token").asString()).isEqualTo("immediately");
        for (int i = 0; i < 3; i++) {
            assertThat(weights.get(3).get("weight").asDouble()).isGreaterThan(weights.get(i).get("weight").asDouble());
        }
        MockHttpServletResponse unknown = postJson("/api/v1/classify",
                "{\"text\":\"refund\",\"explain\":true,\"explainLabel\":\"shipping\"}");
        assertThat(unknown.getStatus()).isEqualTo(400);
        assertThat(unknown.getContentType()).startsWith("application/problem+json");
    }

    @Test
    @Order(3)
    void theOpenInferenceProtocolAnswersTheLabelDecisions() throws Exception {
        String text = "please refund my order immediately";
        List<String> chosen = read(postJson("/api/v1/classify", "{\"text\":\"" + text + "\"}")).get("labels")
                .valueStream().map(JsonNode::asString).toList();
        assertThat(chosen).containsExactlyInAnyOrder("billing", "urgent");
        JsonNode answer = read(postJson("/v2/models/sentiment/infer", "{\"inputs\":[{\"name\":\"text\",\"shape\":[2],"
                + "\"datatype\":\"BYTES\",\"data\":[\"" + text + "\",\"hello team\"]}]}"));
        JsonNode labels = null;
        for (JsonNode output : answer.get("outputs")) {
            if (output.get("name").asString().equals("labels")) {
                labels = output;
            }
        }
        assertThat(labels).as(answer.toString()).isNotNull();
        assertThat(labels.get("datatype").asString()).isEqualTo("BOOL");
        assertThat(labels.get("shape").valueStream().map(JsonNode::asInt).toList()).containsExactly(2, 2);
        // row-major, columns billing, urgent: the first text has both, as /classify says
        assertThat(labels.get("data").get(0).asBoolean()).isTrue();
        assertThat(labels.get("data").get(1).asBoolean()).isTrue();
        JsonNode probabilities = null;
        for (JsonNode output : answer.get("outputs")) {
            if (output.get("name").asString().equals("probabilities")) {
                probabilities = output;
            }
        }
        assertThat(probabilities.get("data").get(0).asDouble() + probabilities.get("data").get(1).asDouble())
                .isGreaterThan(1.2);
    }

    @Test
    @Order(4)
    void aCorrectionOfAMultiLabelVersionNamesSeveralLabels() throws Exception {
        MockHttpServletResponse stored = postJson("/api/v1/feedback",
                "{\"text\":\"refund this right away\",\"label\":\"urgent|billing\"}");
        assertThat(stored.getStatus()).as(stored.getContentAsString()).isEqualTo(201);
        assertThat(read(stored).get("label").asString()).isEqualTo("billing|urgent");
        MockHttpServletResponse unknown = postJson("/api/v1/feedback",
                "{\"text\":\"where is my parcel\",\"label\":\"billing|shipping\"}");
        assertThat(unknown.getStatus()).isEqualTo(400);
        assertThat(read(unknown).get("detail").asString()).contains("shipping");
    }

    @Test
    @Order(5)
    void jsonLinesLabelArraysAreMultiLabel() throws Exception {
        MockHttpServletResponse created = startJob("tickets.jsonl", tickets(120, 2, true),
                CONFIG.replace("\"epochs\":8", "\"epochs\":1").replace("\"activate\":true", "\"activate\":false"));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        JsonNode dataset = read(created).get("dataset");
        assertThat(dataset.get("format").asString()).isEqualTo("jsonl");
        assertThat(dataset.get("labelCombinations").has("billing|urgent")).isTrue();
        finished(read(created).get("id").asString());
    }
}
