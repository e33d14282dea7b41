package com.example.sentiment.training;

import static com.example.sentiment.drift.DriftReportJson.counts;
import static com.example.sentiment.drift.DriftReportJson.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.example.sentiment.FullContext;
import com.example.sentiment.SentimentApplication;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.drift.DriftReference;
import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code evaluate --drift-reference}: a calibrated version whose reference was made from short phrases reports length
 * drift on whole sentences; the command rebuilds the reference from a file of such sentences, as the version serves
 * them, through the repository (the version's file and its checksum), and the running service then compares its
 * live window with the new reference.
 */
@SpringBootTest(properties = "sentiment.drift.min-sample=100")
class EvaluateDriftReferenceTest extends FullContext {

    @Test
    void theCommandRebuildsTheReferenceFromAFileAsServedAndTheServiceComparesWithIt() throws Exception {
        TextClassifier classifier = TinyModel.train(200, 4);
        List<String> sentences = List.copyOf(new LinkedHashSet<>(
                TestCorpus.examples(600, 31).stream().map(TestCorpus.Example::text).toList()));
        // the phrases the version was first profiled on: at most two words of each sentence
        List<String> phrases = sentences.stream()
                .map(s -> String.join(" ", Arrays.asList(s.split(" ")).subList(0, Math.min(2, s.split(" ").length))))
                .toList();
        // a calibration fitted on labels that are half wrong: the served confidences are far from the raw ones
        Calibration calibration = Calibration.fit(classifier.labels(), classifier.classify(sentences),
                new int[sentences.size()]);
        assertThat(calibration.temperature()).isGreaterThan(1.5);
        ModelMetadata metadata = new ModelMetadata(null, "tiny", Instant.now(), null, TinyModel.LABELS,
                TinyModel.hyperParameters(4), classifier.vocabularySize(), null, classifier.parameterCount(), null,
                null, List.of(), 4, 1.0, null, null, null).withCalibration(calibration);
        String id = modelService.register(classifier, metadata,
                DriftReference.files(classifier.labels(), classifier.classify(phrases)), true).id();
        String before = checksum(id);

        for (int from = 0; from < sentences.size(); from += 100) {
            assertThat(sendJson(post("/api/v1/classify/batch"), Map.of("modelId", id,
                    "texts", sentences.subList(from, Math.min(sentences.size(), from + 100)))).getStatus())
                    .isEqualTo(200);
        }
        JsonNode drifted = read(perform(get("/api/v1/models/" + id + "/drift")));
        assertThat(signal(drifted, "length").get("status").asString()).isEqualTo("alert");

        Path file = models.resolve("sentences.csv");
        StringBuilder csv = new StringBuilder("text,label\n");
        sentences.forEach(s -> csv.append(s).append(",positive\n"));
        Files.writeString(file, csv);
        assertThat(EvaluateCommand.run(SentimentApplication.class, new String[] {"--model=" + id, "--data=" + file,
            "--drift-reference", "--sentiment.models-dir=" + models,
            "--sentiment.vectors-dir=" + models.resolve("no-vectors"), "--logging.level.root=WARN"})).isZero();

        // the version's file and its checksum, rewritten together
        byte[] stored = Files.readAllBytes(models.resolve(id).resolve(DriftReference.FILE));
        assertThat(checksum(id)).isNotEqualTo(before)
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));

        // the service reads the new reference: the live window of those very sentences matches it bin for bin
        JsonNode report = read(perform(get("/api/v1/models/" + id + "/drift")));
        assertThat(report.get("referenceSample").asInt()).isEqualTo(sentences.size());
        assertThat(report.get("liveSample").asInt()).isEqualTo(sentences.size());
        for (JsonNode s : report.get("signals")) {
            assertThat(counts(s.get("live"))).as(s.get("signal").asString()).isEqualTo(counts(s.get("reference")));
            assertThat(s.get("psi").asDouble()).as(s.get("signal").asString()).isLessThan(0.1);
        }
        assertThat(report.get("status").asString()).isEqualTo("ok");
    }

    private String checksum(String id) throws Exception {
        return json.readTree(models.resolve(id).resolve("metadata.json").toFile()).get("checksums")
                .get(DriftReference.FILE).asString();
    }
}
