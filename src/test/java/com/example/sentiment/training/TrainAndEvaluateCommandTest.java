package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The command-line route that builds the bundled model: train without HTTP, then record dev figures. */
class TrainAndEvaluateCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainsAVersionAndRecordsItsFiguresOnAnotherFile() throws Exception {
        Path train = Files.writeString(dir.resolve("train.csv"), TestCorpus.csv(200, 41));
        Path dev = Files.writeString(dir.resolve("dev.csv"), TestCorpus.csv(60, 42));
        Path models = dir.resolve("models");
        // one worker: the figures of a 4-epoch model do not depend on how replicas split the batches
        String[] common = {"--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + dir.resolve("none"),
            "--sentiment.training.workers=1",
            "--logging.level.root=WARN"};
        String config = TinyModel.jobConfig(4).replaceFirst("}$", ",\"targetPrecision\":0.9,\"ambiguityMargin\":0.05}");
        assertThat(TrainCommand.run(SentimentApplication.class, concat(new String[] {"--data=" + train,
            "--config=" + config}, common))).isZero();
        String id = Files.readString(models.resolve("active")).trim();

        assertThat(EvaluateCommand.run(SentimentApplication.class, concat(new String[] {"--model=" + id,
            "--data=" + dev, "--record"}, common))).isZero();
        JsonNode metadata = JsonMapper.builder().build().readTree(models.resolve(id).resolve("metadata.json").toFile());
        JsonNode recorded = metadata.get("evaluations").get("dev.csv");
        assertThat(recorded.get("examples").asInt()).isEqualTo(60);
        assertThat(recorded.get("accuracy").asDouble()).isGreaterThan(0.8);
        // model.zip, vocabulary.txt, labels.txt, labels.json, and the drift reference of its validation rows
        assertThat(metadata.get("checksums").size()).isEqualTo(5);

        // the job calibrated the version on its validation split, with the config's abstention defaults
        JsonNode calibration = metadata.get("calibration");
        assertThat(calibration.get("temperature").asDouble()).isPositive();
        assertThat(calibration.get("examples").asInt()).isEqualTo(metadata.get("dataset").get("validationExamples").asInt());
        assertThat(calibration.get("eceAfter").asDouble()).isLessThanOrEqualTo(calibration.get("eceBefore").asDouble() + 1e-9);
        assertThat(calibration.get("reliabilityAfter").size()).isEqualTo(15);
        assertThat(calibration.get("precisionCurve").get("answered").size()).isEqualTo(1001);
        assertThat(calibration.get("targetThreshold").get("target").asDouble()).isEqualTo(0.9);
        assertThat(calibration.get("ambiguityMargin").asDouble()).isEqualTo(0.05);

        // calibrated again on another file, with another default target; the margin is kept
        assertThat(EvaluateCommand.run(SentimentApplication.class, concat(new String[] {"--model=" + id,
            "--data=" + dev, "--calibrate", "--target-precision=0.8"}, common))).isZero();
        JsonNode again = JsonMapper.builder().build().readTree(models.resolve(id).resolve("metadata.json").toFile())
                .get("calibration");
        assertThat(again.get("examples").asInt()).isEqualTo(60);
        assertThat(again.get("targetPrecision").asDouble()).isEqualTo(0.8);
        assertThat(again.get("ambiguityMargin").asDouble()).isEqualTo(0.05);
        assertThat(EvaluateCommand.run(SentimentApplication.class, concat(new String[] {"--model=" + id,
            "--data=" + dev, "--calibrate", "--target-precision=1.5"}, common))).isEqualTo(2);

        // unknown labels in the evaluation file are refused, not miscounted
        Path other = Files.writeString(dir.resolve("other.csv"), "text,label\ngood film,neutral\n");
        assertThat(EvaluateCommand.run(SentimentApplication.class, concat(new String[] {"--model=" + id,
            "--data=" + other}, common))).isEqualTo(1);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
