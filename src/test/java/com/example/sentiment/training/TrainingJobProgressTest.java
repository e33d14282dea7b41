package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.HashedPieceEncoder;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.WordVectorTable;
import com.example.sentiment.vectors.WordVectorsLibrary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's view at every minibatch and epoch of the default configuration search, whose two-phase candidates
 * train more epochs than {@code epochs}: the epoch never passes its total, the percent never goes back or past
 * 100, and once the search ends the job's metrics are the kept candidate's (issue 30). A search that
 * cross-validates shows which candidate's fold trains (issue 25).
 */
class TrainingJobProgressTest {

    @TempDir
    Path vectors;

    @Test
    void everyUpdateOfASearchCountsWithinItsTotalAndTheEndShowsTheKeptCandidate() throws Exception {
        Watched watched = search(ConfigurationSearch.CrossValidation.OFF);
        List<TrainingJobView.Progress> seen = watched.seen();

        assertThat(seen).isNotEmpty();
        assertThat(seen).extracting(TrainingJobView.Progress::totalCandidates).containsOnly(3);
        assertThat(seen).extracting(TrainingJobView.Progress::candidateName)
                .containsSubsequence("lstm-two-phase", "lstm", "bilstm-last-max");
        assertThat(seen).anySatisfy(p -> assertThat(p.epoch()).as("a fine-tuning epoch was seen").isGreaterThan(2));
        assertThat(seen).extracting(TrainingJobView.Progress::fold).containsOnlyNulls();
        assertWithinTotalsAndNeverBack(seen);

        TrainingJob job = watched.job();
        ConfigurationSearch.Outcome outcome = watched.outcome();
        job.recordCandidates(outcome.candidates(), outcome.result());
        EvaluationReport kept = outcome.result().evaluation();
        TrainingJobView.Metrics metrics = job.view().metrics();
        assertThat(metrics.validationAccuracy()).isEqualTo(kept.accuracy());
        assertThat(metrics.validationMacroF1()).isEqualTo(kept.macroF1());
        assertThat(metrics.validationAccuracyStandardError()).isEqualTo(kept.accuracyStandardError());
        assertThat(metrics.validationMacroF1StandardError()).isEqualTo(kept.macroF1StandardError());
        assertThat(job.view().history()).isEqualTo(outcome.result().history());
    }

    @Test
    void aCrossValidatingSearchShowsEachCandidatesFoldsAfterTheirTrainingsOnAllRows() throws Exception {
        Watched watched = search(new ConfigurationSearch.CrossValidation(1000, 2));
        List<TrainingJobView.Progress> seen = watched.seen();

        List<String> trainings = new ArrayList<>();
        for (TrainingJobView.Progress p : seen) {
            String training = p.candidateName() + (p.fold() == null ? "" : " fold " + p.fold() + " of " + p.totalFolds());
            if (trainings.isEmpty() || !trainings.get(trainings.size() - 1).equals(training)) {
                trainings.add(training);
            }
        }
        assertThat(trainings).containsExactly("lstm-two-phase", "lstm", "bilstm-last-max",
                "lstm-two-phase fold 1 of 2", "lstm-two-phase fold 2 of 2",
                "lstm fold 1 of 2", "lstm fold 2 of 2",
                "bilstm-last-max fold 1 of 2", "bilstm-last-max fold 2 of 2");
        assertWithinTotalsAndNeverBack(seen);
        // nine trainings: the last one's epochs come after eight ninths of the bar
        assertThat(seen.get(seen.size() - 1).percent()).isGreaterThan(100.0 * 8 / 9);
        assertThat(watched.outcome().candidates()).allSatisfy(c -> assertThat(c.folds()).isEqualTo(2));
    }

    private static void assertWithinTotalsAndNeverBack(List<TrainingJobView.Progress> seen) {
        double percent = 0;
        for (TrainingJobView.Progress p : seen) {
            assertThat(p.epoch()).as(p.toString()).isBetween(1, p.totalEpochs());
            assertThat(p.percent()).as(p.toString()).isBetween(percent, 100.0);
            percent = p.percent();
        }
    }

    /** A job's view after every minibatch and epoch of a search, the job, and the search's outcome. */
    private record Watched(List<TrainingJobView.Progress> seen, TrainingJob job, ConfigurationSearch.Outcome outcome) {
    }

    /** The default candidates (two with a fine-tuning phase) on 112 training rows, watched through a job. */
    private Watched search(ConfigurationSearch.CrossValidation crossValidation) throws Exception {
        Map<String, float[]> table = new LinkedHashMap<>();
        Random random = new Random(9);
        for (String word : List.of("good", "great", "bad", "awful", "film", "plot")) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            table.put(word, v);
        }
        WordVectorTable.write(vectors.resolve("glove-100d.vec"), table);
        SentimentProperties properties = TestProperties.of(Map.of("sentiment.vectors-dir", vectors.toString()));
        WordVectorsLibrary library = new WordVectorsLibrary(properties);
        TrainingUploadReader reader = UploadReaders.of(properties, library, PretrainedEncoders.NONE);
        TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"epochs\":2,\"batchSize\":16,"
                + "\"lstmUnits\":8,\"maxSequenceLength\":30,\"earlyStoppingPatience\":0,\"validationSplit\":0.3}");
        assertThat(config.candidates()).hasSize(3);
        assertThat(config.candidates().get(0).hyperParameters().maxEpochs()).as("two phases").isEqualTo(4);

        byte[] csv = TestCorpus.csv(160, 23).getBytes(StandardCharsets.UTF_8);
        PreparedDataset data = reader.data(new DatasetReader.Upload("d.csv", csv.length,
                () -> new ByteArrayInputStream(csv)), null, config, List.of());
        TrainingJob job = new TrainingJob(new TrainingJobQueue.JobLease("job", "worker", 1, 1,
                TrainingJobView.queued("job", config, data.report(), Instant.now()), config, null));

        List<TrainingJobView.Progress> seen = new ArrayList<>();
        TrainingObserver watching = new TrainingObserver() {
            @Override
            public void onStart(int examples, long tokens) {
                job.onStart(examples, tokens);
            }

            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                job.onBatch(epoch, batch, totalBatches, loss);
                seen.add(job.view().progress());
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                job.onEpoch(metrics);
                seen.add(job.view().progress());
            }

            @Override
            public void onSearch(int plannedTrainings) {
                job.onSearch(plannedTrainings);
            }

            @Override
            public void onCandidate(int index, int count, String name) {
                job.onCandidate(index, count, name);
            }

            @Override
            public void onFold(int fold, int folds) {
                job.onFold(fold, folds);
            }
        };
        ConfigurationSearch.Outcome outcome = new ConfigurationSearch(new ClassifierTrainer(), crossValidation)
                .train(data.vocabulary(), data.train(), data.validation(), data.labels(), config.candidates(),
                        config.timeBudgetSeconds(), library.get("glove-100d.vec"), watching, () -> false);
        return new Watched(seen, job, outcome);
    }

    @Test
    void aJobWithAnEncoderShowsHowManyTextsItsStatesAreComputedFor() {
        HashedPieceEncoder encoder = new HashedPieceEncoder("hashed", 8);
        TrainingUploadReader reader = UploadReaders.of(TestProperties.of(Map.of()), HashedPieceEncoder.lookup(encoder));
        TrainingConfig.ResolvedTrainingConfig config = reader.config("{\"encoder\":\"hashed\",\"preset\":\"none\","
                + "\"epochs\":1,\"batchSize\":16,\"lstmUnits\":8,\"maxSequenceLength\":30,\"validationSplit\":0.25}");
        byte[] csv = TestCorpus.csv(120, 23).getBytes(StandardCharsets.UTF_8);
        PreparedDataset data = reader.data(new DatasetReader.Upload("d.csv", csv.length,
                () -> new ByteArrayInputStream(csv)), null, config, List.of());
        TrainingJob job = new TrainingJob(new TrainingJobQueue.JobLease("job", "worker", 1, 1,
                TrainingJobView.queued("job", config, data.report(), Instant.now()), config, null));
        int texts = data.train().size() + data.validation().size();

        assertThat(job.view().progress().textsToEncode()).isNull();
        new ConfigurationSearch(new ClassifierTrainer(1, HashedPieceEncoder.lookup(encoder), () -> Long.MAX_VALUE))
                .train(data.vocabulary(), data.train(), data.validation(), data.labels(), config.candidates(),
                        config.timeBudgetSeconds(), null, job, () -> false);

        // counted before the first epoch, and still shown by the updates of every batch after it
        TrainingJobView.Progress progress = job.view().progress();
        assertThat(progress.batch()).isPositive();
        assertThat(progress.textsEncoded()).isEqualTo(texts);
        assertThat(progress.textsToEncode()).isEqualTo(texts);
        job.finish(TrainingJobState.SUCCEEDED, null, "model");
        assertThat(job.view().progress().textsEncoded()).isEqualTo(texts);
    }
}
