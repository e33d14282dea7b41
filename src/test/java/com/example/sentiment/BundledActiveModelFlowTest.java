package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Over real HTTP, on a copy of the bundled active seed (the model a fresh clone serves), without word vectors:
 * the model view shows its calibration and its dev figures, a precision target is answered from its calibration,
 * explanations weigh every token, and drift compares live traffic with its stored reference. Only what the
 * version's own metadata says is compared, so a rebuilt seed of the same id passes on its own figures.
 */
class BundledActiveModelFlowTest {

    @TempDir
    Path models;

    @Test
    void theActiveSeedServesTheModelViewPrecisionTargetsExplanationsAndDrift() throws Exception {
        String active = BundledModel.copyTo(models);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + models.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString()).isEqualTo(active);

            JsonNode view = client.get("/api/v1/models/" + active).json();
            assertThat(view.get("active").asBoolean()).isTrue();
            JsonNode calibration = view.get("calibration");
            assertThat(calibration.get("temperature").asDouble()).as(view.toString()).isPositive();
            assertThat(calibration.get("reliabilityAfter").size()).isPositive();
            double devAccuracy = view.get("evaluations").get("dev.csv").get("accuracy").asDouble();
            assertThat(view.get("heldOut").get("accuracy").asDouble()).as("the figure the console's header shows")
                    .isEqualTo(devAccuracy);

            // a target below its validation accuracy is reachable with every text answered, so it answers
            double reachable = Math.floor(view.get("evaluation").get("accuracy").asDouble() * 100) / 100;
            JsonNode targeted = client.postJson("/api/v1/classify",
                    "{\"text\":\"A moving, beautifully acted film.\",\"targetPrecision\":" + reachable + "}").json();
            assertThat(targeted.get("modelId").asString()).isEqualTo(active);
            assertThat(targeted.get("precisionTarget").get("threshold").isNumber()).as(targeted.toString()).isTrue();
            assertThat(targeted.get("precisionTarget").get("precision").asDouble()).isGreaterThanOrEqualTo(reachable);

            JsonNode explained = client.postJson("/api/v1/classify",
                    "{\"text\":\"A wonderful film, not boring at all.\",\"explain\":true}").json();
            assertThat(explained.get("explanation").size()).as(explained.toString()).isEqualTo(9);
            assertThat(explained.get("explanation").get(1).get("token").asString()).isEqualTo("wonderful");
            assertThat(explained.get("label").asString()).isEqualTo("positive");

            JsonNode drift = client.get("/api/v1/models/" + active + "/drift").json();
            assertThat(drift.get("status").asString()).as(drift.toString()).isNotEqualTo("no-reference");
            assertThat(drift.get("referenceSample").asInt()).isPositive();
            assertThat(drift.get("liveSample").asInt()).as("the two texts above").isEqualTo(2);
        }
    }
}
