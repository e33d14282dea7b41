package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Soft targets ({@link EncodedTexts#targets()}) replace the one-hot labels in what the loss reads, and a network
 * trained on a teacher's probabilities learns them.
 */
class SoftTargetsTest {

    private static final List<String> LABELS = ClassifierTrainerTest.LABELS;

    @Test
    void aBatchCarriesTheRowsSoftTargetsWhenPresentAndOneHotLabelsOtherwise() {
        int[][] sequences = {{2, 3}, {4}, {5, 6, 7}};
        int[] labels = {0, 1, 1};
        float[][] targets = {{0.9f, 0.1f}, {0.3f, 0.7f}, {0.5f, 0.5f}};
        int[] rows = {2, 0};

        DataSet soft = SequenceBatch.dataSet(new TokenIds(sequences), labels, targets, 2, rows, 0, 2);
        assertThat(soft.getLabels().toFloatMatrix()).isDeepEqualTo(new float[][] {{0.5f, 0.5f}, {0.9f, 0.1f}});
        DataSet hard = SequenceBatch.dataSet(new TokenIds(sequences), labels, null, 2, rows, 0, 2);
        assertThat(hard.getLabels().toFloatMatrix()).isDeepEqualTo(new float[][] {{0, 1}, {1, 0}});
        assertThat(soft.getFeatures()).isEqualTo(hard.getFeatures());
    }

    @Test
    void theIteratorGivesEachRowItsOwnTarget() {
        int n = 50;
        int[][] sequences = new int[n][];
        int[] labels = new int[n];
        float[][] targets = new float[n][];
        for (int i = 0; i < n; i++) {
            // the first id names the row; lengths vary so that batches are sorted and shuffled
            sequences[i] = new int[1 + i % 7];
            sequences[i][0] = 100 + i;
            labels[i] = i % 2;
            targets[i] = new float[] {i / (float) n, 1 - i / (float) n};
        }
        BucketedDataSetIterator it = new BucketedDataSetIterator(new TokenIds(sequences), labels, targets, LABELS, 8, 3, true,
                () -> false, 1);
        int seen = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            float[][] ids = batch.getFeatures().toFloatMatrix();
            float[][] rows = batch.getLabels().toFloatMatrix();
            for (int r = 0; r < ids.length; r++) {
                int row = (int) ids[r][0] - 100;
                assertThat(rows[r]).containsExactly(targets[row]);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(n);
    }

    /**
     * A teacher that is sure of no text (0.7 on the true label): trained on its probabilities, a student's end
     * near them; trained on the labels alone, from the same seed, the student grows surer than the teacher.
     */
    @Test
    void aStudentTrainedOnATeachersProbabilitiesMovesTowardThem() {
        HyperParameters hp = ClassifierTrainerTest.small(4, HyperParameters.Pooling.LAST, false);
        UnsureTeacher unsure = UnsureTeacher.of(hp.maxSequenceLength());
        TextClassifier fromLabels = unsure.trained(unsure.hard(), hp).classifier();
        TextClassifier fromTeacher = unsure.trained(unsure.soft(), hp).classifier();

        double labelsGap = unsure.gap(fromLabels);
        double teacherGap = unsure.gap(fromTeacher);
        assertThat(teacherGap).as("gap to the teacher: %.3f from its probabilities, %.3f from the labels",
                teacherGap, labelsGap).isLessThan(labelsGap / 2);
        // its probability of the true label is near the teacher's, and it still ranks the labels right
        assertThat(unsure.trueLabelProbability(fromTeacher)).isCloseTo(0.7, within(0.1));
        assertThat(fromTeacher.predictedLabels(unsure.held().sequences()))
                .containsExactly(unsure.validation().labels());
    }

    @Test
    void logitTargetsAreTheCentredLogProbabilitiesWithAFloor() {
        float[][] z = ClassifierTrainer.centredLogProbabilities(new float[][] {{0.7f, 0.3f}, {1f, 0f}});
        double half = Math.log(0.7 / 0.3) / 2;
        assertThat(z[0][0]).isCloseTo((float) half, within(1e-6f));
        assertThat(z[0][1]).isCloseTo((float) -half, within(1e-6f));
        // a probability of 0 counts as the floor: the targets stay finite
        double floored = -Math.log(ClassifierTrainer.LOGIT_FLOOR) / 2;
        assertThat(z[1][0]).isCloseTo((float) floored, within(1e-5f));
        assertThat(z[1][1]).isCloseTo((float) -floored, within(1e-5f));
    }

    /**
     * The same teacher, learnt through its logits ({@link HyperParameters.DistillationLoss#LOGITS}): the network
     * trains a linear output on their squared error, and the classifier it gives answers probabilities near the
     * teacher's.
     */
    @Test
    void aStudentTrainedOnATeachersLogitsMovesTowardItsProbabilitiesAndAnswersProbabilities() {
        HyperParameters small = ClassifierTrainerTest.small(4, HyperParameters.Pooling.LAST, false);
        HyperParameters hp = withLoss(small, HyperParameters.DistillationLoss.LOGITS);
        UnsureTeacher unsure = UnsureTeacher.of(hp.maxSequenceLength());
        TextClassifier fromLabels = unsure.trained(unsure.hard(), small).classifier();
        TrainingResult fromLogits = unsure.trained(unsure.soft(), hp);
        TextClassifier student = fromLogits.classifier();

        double labelsGap = unsure.gap(fromLabels);
        double logitsGap = unsure.gap(student);
        assertThat(logitsGap).as("gap to the teacher: %.3f from its logits, %.3f from the labels", logitsGap,
                labelsGap).isLessThan(labelsGap / 2);
        assertThat(unsure.trueLabelProbability(student)).isCloseTo(0.7, within(0.1));
        assertThat(student.predictedLabels(unsure.held().sequences())).containsExactly(unsure.validation().labels());
        assertThat(fromLogits.evaluation().accuracy()).isEqualTo(1.0);
        // what it minimised was a squared error, which reaches near 0 on these targets; the cross-entropy
        // against 0.7/0.3 can never go below their entropy, 0.61
        double trainLoss = fromLogits.history().get(fromLogits.history().size() - 1).trainLoss();
        assertThat(trainLoss).isLessThan(0.2);
        // the stored network ends in a softmax: its answers are probabilities
        assertThat(student.classifyTokenized(unsure.tokens())).allSatisfy(p -> assertThat(p.scores().values().stream()
                .mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-5)));
    }

    /**
     * 300 training texts of the test corpus, their tokens and vocabulary, and a teacher sure of none of them (0.7 on
     * the true label), as one-hot and as soft targets; 60 validation texts.
     */
    record UnsureTeacher(LabelledTexts train, LabelledTexts validation, List<List<String>> tokens,
                         Vocabulary vocabulary, float[][] teacher, EncodedTexts hard, EncodedTexts soft,
                         EncodedTexts held) {
        static UnsureTeacher of(int maxLength) {
            LabelledTexts train = ClassifierTrainerTest.texts(TestCorpus.examples(300, 31));
            LabelledTexts validation = ClassifierTrainerTest.texts(TestCorpus.examples(60, 32));
            Tokenizer tokenizer = new Tokenizer();
            List<List<String>> tokens = new ArrayList<>();
            train.texts().forEach(t -> tokens.add(tokenizer.tokenize(t)));
            Vocabulary vocabulary = Vocabulary.build(tokens, 1, 1000);
            EncodedTexts hard = EncodedTexts.encode(train, tokenizer, vocabulary, maxLength);
            float[][] teacher = new float[train.size()][];
            for (int i = 0; i < teacher.length; i++) {
                teacher[i] = new float[2];
                teacher[i][train.labels()[i]] = 0.7f;
                teacher[i][1 - train.labels()[i]] = 0.3f;
            }
            return new UnsureTeacher(train, validation, tokens, vocabulary, teacher, hard,
                    new EncodedTexts(hard.sequences(), hard.labels(), teacher),
                    EncodedTexts.encode(validation, tokenizer, vocabulary, maxLength));
        }

        /** A network of {@code hp} trained on these texts with {@code targets}, validated on the 60. */
        TrainingResult trained(EncodedTexts targets, HyperParameters hp) {
            return new ClassifierTrainer().train(vocabulary, targets, held, LABELS, hp, null, TrainingObserver.NONE,
                    () -> false);
        }

        /** The mean absolute difference of a student's probabilities from the teacher's, over the 300 texts. */
        double gap(TextClassifier student) {
            List<Prediction> predictions = student.classifyTokenized(tokens);
            double sum = 0;
            for (int i = 0; i < teacher.length; i++) {
                for (int c = 0; c < LABELS.size(); c++) {
                    sum += Math.abs(predictions.get(i).scores().get(LABELS.get(c)) - teacher[i][c]);
                }
            }
            return sum / teacher.length;
        }

        /** A student's mean probability of each text's true label, over the 300 texts. */
        double trueLabelProbability(TextClassifier student) {
            List<Prediction> predictions = student.classifyTokenized(tokens);
            int[] labels = train.labels();
            double sum = 0;
            for (int i = 0; i < labels.length; i++) {
                sum += predictions.get(i).scores().get(LABELS.get(labels[i]));
            }
            return sum / labels.length;
        }
    }

    /** {@code hp} with another distillation loss. */
    private static HyperParameters withLoss(HyperParameters hp, HyperParameters.DistillationLoss loss) {
        return new HyperParameters(hp.epochs(), hp.batchSize(), hp.learningRate(), hp.embeddingSize(), hp.lstmUnits(),
                hp.bidirectional(), hp.dropout(), hp.embeddingDropout(), hp.maxSequenceLength(),
                hp.minWordFrequency(), hp.maxVocabularySize(), hp.seed(), hp.earlyStoppingPatience(), hp.pooling(),
                hp.wordVectors(), hp.freezeEmbeddings(), hp.engine(), hp.selectionMetric(), hp.spatialDropout(),
                hp.weightDecay(), hp.fineTuneEpochs(), hp.ensembleSize(), hp.classWeights(), hp.encoder(),
                hp.longText(), hp.longTextStride(), loss);
    }
}
