package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.Vocabulary;
import com.example.sentiment.ml.WordVectorTable;
import com.example.sentiment.vectors.WordVectorsLibrary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training data of a distilled student: the texts, their augmented copies and the teacher's targets. */
class DistilledDatasetTest {

    @TempDir
    static Path vectors;

    static TextClassifier teacher;
    static PreparedDataset data;
    static TrainingConfig.ResolvedTrainingConfig config;
    static WordVectorTable table;

    @BeforeAll
    static void prepare() throws Exception {
        // "superb" is in no training text but is the nearest neighbour of "good" and "great"
        Map<String, float[]> words = new LinkedHashMap<>();
        words.put("good", new float[] {1, 0.1f, 0});
        words.put("great", new float[] {1, 0.15f, 0});
        words.put("superb", new float[] {1, 0.12f, 0.01f});
        words.put("bad", new float[] {-1, 0.1f, 0});
        words.put("awful", new float[] {-1, 0.15f, 0});
        words.put("film", new float[] {0, 0, 1});
        words.put("movie", new float[] {0, 0.1f, 1});
        WordVectorTable.write(vectors.resolve("glove-100d.vec"), words);
        SentimentProperties properties = TestProperties.of(Map.of("sentiment.vectors-dir", vectors.toString()));
        WordVectorsLibrary library = new WordVectorsLibrary(properties);
        table = library.get("glove-100d.vec");
        TrainingUploadReader reader = UploadReaders.of(properties, library, PretrainedEncoders.NONE);
        config = reader.config("{\"teacher\":\"teacher-1\",\"augmentation\":3,\"teacherWeight\":0.4,"
                + "\"preset\":\"none\",\"maxSequenceLength\":30,\"validationSplit\":0.2}");
        byte[] csv = TestCorpus.csv(120, 41).getBytes(StandardCharsets.UTF_8);
        data = reader.data(new DatasetReader.Upload("d.csv", csv.length, () -> new ByteArrayInputStream(csv)),
                null, config, List.of());
        teacher = TinyModel.train(120, 2);
    }

    @Test
    void theTeachersProbabilitiesMixedWithTheLabelForTextsAndAloneForTheirCopies() {
        List<int[]> labelling = new ArrayList<>();
        DistilledDataset distilled = DistilledDataset.build(data, teacher, table, config.distillation(),
                config.hyperParameters(), 1, observer(labelling), () -> false);

        int originals = data.train().size();
        int augmented = distilled.distillation().augmentedExamples();
        EncodedTexts train = distilled.train();
        assertThat(augmented).isBetween(originals, 3 * originals);
        assertThat(train.size()).isEqualTo(originals + augmented);
        assertThat(labelling.get(0)).containsExactly(0, train.size());
        assertThat(labelling.get(labelling.size() - 1)).containsExactly(train.size(), train.size());
        for (float[] target : train.targets()) {
            assertThat(target[0] + target[1]).isCloseTo(1f, within(1e-5f));
        }
        PreparedDataset.RowTokens tokens = data.tokens();
        for (int i = 0; i < originals; i++) {
            assertThat(data.vocabulary().encode(tokens.text(tokens.train(), i), 30))
                    .as("the tokens kept are those of the encoded training row").containsExactly(data.train().sequences()[i]);
            Prediction taught = teacher.classifyTokenized(List.of(tokens.text(tokens.train(), i))).get(0);
            int label = data.train().labels()[i];
            assertThat(train.labels()[i]).isEqualTo(label);
            for (int c = 0; c < 2; c++) {
                double expected = 0.4 * taught.scores().get(data.labels().get(c)) + (c == label ? 0.6 : 0);
                assertThat((double) train.targets()[i][c]).isCloseTo(expected, within(1e-5));
            }
        }
        for (int i = originals; i < train.size(); i++) {
            float[] target = train.targets()[i];
            assertThat(train.labels()[i]).as("an augmented text's label is the teacher's choice")
                    .isEqualTo(target[1] > target[0] ? 1 : 0);
        }
        for (int i = 0; i < data.validation().size(); i++) {
            assertThat(data.vocabulary().encode(tokens.text(tokens.validation(), i), 30))
                    .containsExactly(data.validation().sequences()[i]);
        }
        // the validation rows keep their true labels, encoded with the vocabulary the swaps grew
        assertThat(distilled.validation().labels()).containsExactly(data.validation().labels());
        assertThat(distilled.validation().targets()).isNull();
        Vocabulary vocabulary = distilled.vocabulary();
        assertThat(data.vocabulary().contains("superb")).isFalse();
        assertThat(vocabulary.contains("superb")).as("a word swapped in gets an id").isTrue();
        assertThat(vocabulary.words()).doesNotHaveDuplicates();
        assertThat(distilled.distillation().teacher()).isEqualTo("teacher-1");
        assertThat(distilled.distillation().labellingSeconds()).isNotNull();
    }

    @Test
    void theSameSeedGivesTheSameDataAndACancelStopsTheLabelling() {
        DistilledDataset once = DistilledDataset.build(data, teacher, table, config.distillation(),
                config.hyperParameters(), 1, TrainingObserver.NONE, () -> false);
        DistilledDataset again = DistilledDataset.build(data, teacher, table, config.distillation(),
                config.hyperParameters(), 2, TrainingObserver.NONE, () -> false);
        assertThat(Arrays.deepEquals(once.train().sequences(), again.train().sequences())).isTrue();
        assertThat(once.vocabulary().words()).isEqualTo(again.vocabulary().words());

        assertThat(DistilledDataset.build(data, teacher, table, config.distillation(), config.hyperParameters(),
                1, TrainingObserver.NONE, () -> true)).isNull();
    }

    @Test
    void labellingOnSeveralThreadsGivesEachTextItsOwnProbabilitiesAndReportsProgressInOrder() {
        PreparedDataset.RowTokens tokens = data.tokens();
        int total = tokens.train().length;
        IntFunction<List<String>> text = i -> tokens.text(tokens.train(), i);
        List<int[]> progress = new ArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        float[][] taught = DistilledDataset.label(i -> {
            threads.add(Thread.currentThread().getName());
            return text.apply(i);
        }, total, teacher, data.labels(), 3, 7, observer(progress), () -> false);

        assertThat(threads).as("the chunks ran on the pool's threads").hasSizeGreaterThan(1)
                .allMatch(name -> name.startsWith("teacher-labelling-"));
        for (int i = 0; i < total; i++) {
            Prediction alone = teacher.classifyTokenized(List.of(text.apply(i))).get(0);
            for (int c = 0; c < 2; c++) {
                assertThat((double) taught[i][c]).as("text %d, label %d", i, c)
                        .isCloseTo(alone.scores().get(data.labels().get(c)), within(1e-5));
            }
        }
        assertThat(progress).hasSize(1 + (total + 6) / 7);
        for (int k = 1; k < progress.size(); k++) {
            assertThat(progress.get(k)[0]).isGreaterThan(progress.get(k - 1)[0]);
        }
        assertThat(progress.get(progress.size() - 1)).containsExactly(total, total);
    }

    @Test
    void aCancelDuringTheLabellingStopsItsThreadsBeforeTheLastChunk() {
        PreparedDataset.RowTokens tokens = data.tokens();
        int total = tokens.train().length;
        AtomicInteger asked = new AtomicInteger();
        List<int[]> progress = new ArrayList<>();
        float[][] taught = DistilledDataset.label(i -> {
            asked.incrementAndGet();
            return tokens.text(tokens.train(), i);
        }, total, teacher, data.labels(), 2, 4, observer(progress), () -> progress.size() > 2);

        assertThat(taught).isNull();
        assertThat(progress.get(progress.size() - 1)[0]).isLessThan(total);
        int askedWhenStopped = asked.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("teacher-labelling-")));
        assertThat(asked.get()).as("no text is asked for once the labelling has returned").isEqualTo(askedWhenStopped)
                .isLessThan(total);
    }

    @Test
    void aFailedChunkStopsTheLabellingAfterTheChunksUnderWayHaveFinished() throws InterruptedException {
        PreparedDataset.RowTokens tokens = data.tokens();
        int total = tokens.train().length;
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch secondChunkStarted = new CountDownLatch(1);
        CountDownLatch labellingReturned = new CountDownLatch(1);
        // chunk 0 (texts 0-3) fails while chunk 1 (texts 4-7) is under way on the other thread; chunk 1 holds its
        // second text until the labelling has returned, or for a second, so a labelling that does not wait for it
        // returns with chunk 1 unfinished
        Throwable thrown = catchThrowable(() -> DistilledDataset.label(i -> {
            asked.incrementAndGet();
            if (i == 0) {
                awaitLatch(secondChunkStarted, 10);
                throw new IllegalStateException("the teacher's input could not be read");
            }
            if (i == 4) {
                secondChunkStarted.countDown();
            }
            if (i == 5) {
                awaitLatch(labellingReturned, 1);
            }
            return tokens.text(tokens.train(), i);
        }, total, teacher, data.labels(), 2, 4, TrainingObserver.NONE, () -> false));
        int askedWhenReturned = asked.get();
        labellingReturned.countDown();

        assertThat(thrown).isInstanceOf(IllegalStateException.class)
                .hasMessage("the teacher's input could not be read");
        assertThat(askedWhenReturned).as("chunk 1 finished before the failure was thrown; no later chunk started")
                .isEqualTo(1 + 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("teacher-labelling-")));
        assertThat(asked.get()).isEqualTo(askedWhenReturned);
    }

    /** Waits for a latch that may never open (the failing chunk's partner); the wait is the test's bound. */
    private static void awaitLatch(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTeacherWithMoreLabelsGivesTheirShareToTheUploadsLabels() {
        List<String> labels = List.of("negative", "positive");
        assertThat(DistilledDataset.restricted(Map.of("negative", 0.2, "neutral", 0.5, "positive", 0.3), labels))
                .containsExactly(new float[] {0.4f, 0.6f}, within(1e-6f));
        assertThat(DistilledDataset.restricted(Map.of("negative", 0.0, "neutral", 1.0, "positive", 0.0), labels))
                .containsExactly(0.5f, 0.5f);
        assertThat(DistilledDataset.unknownToTeacher(List.of("negative", "neutral", "positive"), labels)).isEmpty();
        assertThat(DistilledDataset.unknownToTeacher(List.of("neg", "pos"), labels))
                .containsExactly("negative", "positive");
    }

    private static TrainingObserver observer(List<int[]> labelling) {
        return new TrainingObserver() {
            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
            }

            @Override
            public void onEpoch(com.example.sentiment.ml.EpochMetrics metrics) {
            }

            @Override
            public void onLabelling(int labelled, int total) {
                labelling.add(new int[] {labelled, total});
            }
        };
    }
}
