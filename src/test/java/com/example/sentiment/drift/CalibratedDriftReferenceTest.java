package com.example.sentiment.drift;

import static com.example.sentiment.drift.DriftReportJson.counts;
import static com.example.sentiment.drift.DriftReportJson.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;

/**
 * A version whose calibration temperature is far from 1: the drift reference its job stores counts the validation
 * answers as the version serves them (calibrated), so the same texts sent to {@code /classify/batch} give the very
 * same confidence histogram, and validation-like traffic stays under the thresholds. (A reference of the raw,
 * uncalibrated answers put the confidences on another scale than the live window's.)
 */
@SpringBootTest(properties = "sentiment.drift.min-sample=100")
class CalibratedDriftReferenceTest extends FullContext {

    @Test
    void theReferenceCountsTheServedConfidencesSoValidationTextsReplayedMatchIt() throws Exception {
        // every fourth validation label flipped: the tiny model is confidently wrong on those, so temperature
        // scaling softens its answers a lot (T well above 1)
        StringBuilder train = new StringBuilder("text,label\n");
        java.util.Set<String> trained = new java.util.HashSet<>();
        for (TestCorpus.Example e : TestCorpus.examples(400, 11)) {
            train.append(e.text()).append(',').append(e.label()).append('\n');
            trained.add(e.text());
        }
        // distinct texts, none of them a training row (a job leaves those out of its validation rows)
        Map<String, String> validation = new LinkedHashMap<>();
        for (TestCorpus.Example e : TestCorpus.examples(500, 21)) {
            if (!trained.contains(e.text())) {
                validation.putIfAbsent(e.text(), e.label());
            }
        }
        StringBuilder csv = new StringBuilder("text,label\n");
        int row = 0;
        for (Map.Entry<String, String> e : validation.entrySet()) {
            String label = row++ % 4 != 0 ? e.getValue() : e.getValue().equals("positive") ? "negative" : "positive";
            csv.append(e.getKey()).append(',').append(label).append('\n');
        }
        List<String> texts = List.copyOf(validation.keySet());
        String config = TinyModel.jobConfig(8).replaceFirst("}$", ",\"preset\":\"none\",\"activate\":true}");
        JsonNode created = read(mvc.perform(multipart("/api/v1/training-jobs")
                .file(new MockMultipartFile("data", "train.csv", "text/csv",
                        train.toString().getBytes(StandardCharsets.UTF_8)))
                .file(new MockMultipartFile("validation", "validation.csv", "text/csv",
                        csv.toString().getBytes(StandardCharsets.UTF_8)))
                .file(new MockMultipartFile("config", "", "application/json", config.getBytes(StandardCharsets.UTF_8))))
                .andReturn().getResponse());
        String jobId = created.get("id").asString();
        AtomicReference<JsonNode> job = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            job.set(read(perform(get("/api/v1/training-jobs/" + jobId))));
            return job.get().get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED");
        });
        assertThat(job.get().get("state").asString()).as(job.get().toString()).isEqualTo("SUCCEEDED");
        String id = job.get().get("modelId").asString();
        double temperature = read(perform(get("/api/v1/models/" + id))).get("calibration").get("temperature").asDouble();
        assertThat(temperature).as("a calibration that changes the confidences").isGreaterThan(1.5);

        // the validation texts through the served path, as clients send them
        for (int from = 0; from < texts.size(); from += 100) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 100));
            assertThat(sendJson(post("/api/v1/classify/batch"), Map.of("texts", batch, "modelId", id)).getStatus())
                    .isEqualTo(200);
        }

        JsonNode report = read(perform(get("/api/v1/models/" + id + "/drift")));
        assertThat(report.get("referenceSample").asInt()).isEqualTo(texts.size());
        assertThat(report.get("liveSample").asInt()).isEqualTo(texts.size());
        JsonNode confidence = signal(report, "confidence");
        assertThat(counts(confidence.get("live"))).as("served confidences against the reference's")
                .isEqualTo(counts(confidence.get("reference")));
        assertThat(confidence.get("psi").asDouble()).isLessThan(report.get("warnPsi").asDouble());
        assertThat(confidence.get("status").asString()).isEqualTo("ok");
        // temperature scaling never changes the top label: the prediction mix matches too
        JsonNode label = signal(report, "label");
        assertThat(counts(label.get("live"))).isEqualTo(counts(label.get("reference")));
        assertThat(report.get("status").asString()).isEqualTo("ok");
    }
}
