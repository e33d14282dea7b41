package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TrainingUpload;
import com.example.sentiment.ml.WordVectorTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * After the default configuration search (three candidates, two of them with a fine-tuning phase on top of
 * {@code epochs}), the job reports the figures of the candidate it kept, the very figures of the version it
 * stored, and its progress never counts past its total (issue 30). The file is small enough for the search to
 * cross-validate its candidates (here with 2 folds), which the job's progress and candidates show (issue 25).
 */
class KeptCandidateFiguresTest {

    @TempDir
    Path dir;

    /** A tiny default vectors file, so that the two-phase candidates really train a second phase. */
    private Path vectors() throws Exception {
        Path vectors = dir.resolve("vectors");
        Files.createDirectories(vectors);
        Map<String, float[]> table = new LinkedHashMap<>();
        Random random = new Random(5);
        for (String word : List.of("good", "great", "wonderful", "bad", "awful", "boring", "film", "plot", "movie")) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            table.put(word, v);
        }
        WordVectorTable.write(vectors.resolve("glove-100d.vec"), table);
        return vectors;
    }

    /** Small and few epochs, so that the candidates differ; the preset is the default search. */
    private static final String CONFIG = "{\"name\":\"search\",\"epochs\":2,\"batchSize\":16,\"learningRate\":0.01,"
            + "\"lstmUnits\":8,\"maxSequenceLength\":30,\"earlyStoppingPatience\":0,\"validationSplit\":0.3,"
            + "\"activate\":true}";

    @Test
    void aSearchJobReportsTheKeptCandidatesFiguresAndItsEpochsWithinTheirTotal() throws Exception {
        Path vectors = vectors();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + dir.resolve("models"),
                        "--sentiment.vectors-dir=" + vectors, "--sentiment.training.cross-validation.max-rows=1000",
                        "--sentiment.training.cross-validation.folds=2")) {
            ServiceClient client = ServiceClient.of(app);
            ServiceClient.Answer created = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(240, 17), CONFIG));
            assertThat(created.status()).as(created.body()).isEqualTo(202);
            String path = "/api/v1/training-jobs/" + created.json().get("id").asString();

            List<JsonNode> seen = new ArrayList<>();
            await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(25)).until(() -> {
                JsonNode job = client.get(path).json();
                seen.add(job.get("progress"));
                return !job.get("state").asString().matches("QUEUED|RUNNING");
            });
            JsonNode job = client.get(path).json();
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            seen.add(job.get("progress"));
            for (JsonNode progress : seen) {
                assertThat(progress.get("epoch").asInt()).as(progress.toString())
                        .isLessThanOrEqualTo(progress.get("totalEpochs").asInt());
            }
            // the small file's candidates were cross-validated, and the job showed which fold trained
            assertThat(seen).anySatisfy(p -> assertThat(p.get("fold").isNumber() ? p.get("fold").asInt() : 0)
                    .isEqualTo(2));
            assertThat(seen).allSatisfy(p -> assertThat(p.get("totalFolds").isNull() || p.get("totalFolds").asInt() == 2)
                    .as(p.toString()).isTrue());

            JsonNode candidates = job.get("candidates");
            assertThat(candidates.size()).as(job.toString()).isEqualTo(3);
            JsonNode kept = null;
            for (JsonNode c : candidates) {
                if (c.get("chosen").asBoolean()) {
                    kept = c;
                }
            }
            assertThat(kept).as(candidates.toString()).isNotNull();
            int trainRows = job.get("dataset").get("trainExamples").asInt();
            for (JsonNode c : candidates) {
                assertThat(c.get("folds").asInt()).as(c.toString()).isEqualTo(2);
                assertThat(c.get("comparedRows").asInt()).isEqualTo(trainRows);
                assertThat(c.get("comparison").asString()).isEqualTo("2-fold cross-validation over the " + trainRows
                        + " training rows");
                assertThat(c.get("outOfFoldMacroF1").asDouble()).isBetween(0.0, 1.0);
                assertThat(c.get("outOfFoldMacroF1StandardError").asDouble()).isPositive();
            }
            JsonNode evaluation = client.get("/api/v1/models/" + job.get("modelId").asString()).json().get("evaluation");
            JsonNode metrics = job.get("metrics");
            assertThat(metrics.get("validationAccuracy").asDouble()).as(job.toString())
                    .isEqualTo(evaluation.get("accuracy").asDouble())
                    .isEqualTo(kept.get("validationAccuracy").asDouble());
            assertThat(metrics.get("validationMacroF1").asDouble()).as(job.toString())
                    .isEqualTo(evaluation.get("macroF1").asDouble())
                    .isEqualTo(kept.get("validationMacroF1").asDouble());
            assertThat(metrics.get("validationAccuracyStandardError").asDouble())
                    .isEqualTo(evaluation.get("accuracyStandardError").asDouble());
            assertThat(metrics.get("validationMacroF1StandardError").asDouble())
                    .isEqualTo(evaluation.get("macroF1StandardError").asDouble());
        }
    }
}
