package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.example.sentiment.TestCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Temperature scaling, the expected calibration error and the precision curve, on hand-checked and trained data. */
class CalibrationTest {

    @Test
    void validationDataWithNoWrongAnswerLeavesTheProbabilitiesAsTheyAre() {
        // every text right: the likelihood alone would drive T to the search's floor and every answer to 0 or 1
        double[][] probabilities = {{0.8, 0.2}, {0.3, 0.7}, {0.6, 0.4}, {0.1, 0.9}};
        Calibration all = Calibration.fit(probabilities, new int[] {0, 1, 0, 1});
        assertThat(all.temperature()).isEqualTo(1.0);
        assertThat(all.eceAfter()).isEqualTo(all.eceBefore());
        // one wrong answer is evidence, and the fit runs
        Calibration fitted = Calibration.fit(probabilities, new int[] {0, 1, 1, 1});
        assertThat(fitted.temperature()).isNotEqualTo(1.0);
    }

    @Test
    void theExpectedCalibrationErrorMatchesAHandCheckedExample() {
        // bin 14 (14/15, 1]: 0.95 twice, one right: |0.5 - 0.95| * 2/5 = 0.18
        // bin 9 (9/15, 10/15]: 0.65 three times, two right: |2/3 - 0.65| * 3/5 = 0.01
        double[] confidence = {0.95, 0.95, 0.65, 0.65, 0.65};
        boolean[] correct = {true, false, true, true, false};
        assertThat(Calibration.expectedCalibrationError(confidence, correct)).isCloseTo(0.19, within(1e-12));
        List<Calibration.ReliabilityBin> bins = Calibration.reliability(confidence, correct);
        assertThat(bins).hasSize(15);
        assertThat(bins.get(14)).isEqualTo(new Calibration.ReliabilityBin(14 / 15.0, 1, 2, 0.95, 0.5));
        assertThat(bins.get(9).count()).isEqualTo(3);
        assertThat(bins.get(9).accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(bins.stream().mapToInt(Calibration.ReliabilityBin::count).sum()).isEqualTo(5);
        // a perfectly calibrated bin adds nothing: 0.6 right three times in five
        assertThat(Calibration.expectedCalibrationError(new double[] {0.6, 0.6, 0.6, 0.6, 0.6},
                new boolean[] {true, true, true, false, false})).isCloseTo(0, within(1e-12));
    }

    @Test
    void binsAreClosedOnTheRightIncludingTheirUpperEdge() {
        assertThat(Calibration.bin(0.2)).as("(2/15, 3/15]").isEqualTo(2);
        assertThat(Calibration.bin(0.2000001)).isEqualTo(3);
        assertThat(Calibration.bin(1.0)).isEqualTo(14);
        assertThat(Calibration.bin(0.5)).isEqualTo(7);
        assertThat(Calibration.bin(0.0)).isEqualTo(0);
    }

    @Test
    void scalingDividesTheLogOddsAndKeepsTheTopLabel() {
        double[] p = {0.7, 0.2, 0.1};
        double[] hot = Calibration.scaled(p, 0.5);
        double[] cool = Calibration.scaled(p, 2);
        assertThat(Calibration.scaled(p, 1)).containsExactly(new double[] {0.7, 0.2, 0.1}, within(1e-12));
        // T = 2: proportional to sqrt(p)
        double sum = Math.sqrt(0.7) + Math.sqrt(0.2) + Math.sqrt(0.1);
        assertThat(cool).containsExactly(new double[] {Math.sqrt(0.7) / sum, Math.sqrt(0.2) / sum,
                Math.sqrt(0.1) / sum}, within(1e-12));
        assertThat(hot[0]).isGreaterThan(0.7);
        assertThat(cool[0]).isLessThan(0.7).isGreaterThan(cool[1]);
        assertThat(Calibration.scaled(new double[] {1, 0}, 3)).as("a zero stays finite")
                .satisfies(q -> assertThat(q[0]).isCloseTo(1, within(1e-9)));
    }

    @Test
    void temperatureScalingUndoesSyntheticOverconfidence() {
        // labels drawn from softmax(z), reported as softmax(3 z): three times too confident
        Random random = new Random(11);
        int n = 4000;
        double[][] reported = new double[n][];
        int[] gold = new int[n];
        for (int i = 0; i < n; i++) {
            double[] z = {random.nextGaussian() * 1.5, random.nextGaussian() * 1.5, random.nextGaussian() * 1.5};
            double[] truth = softmax(z, 1);
            gold[i] = draw(truth, random);
            reported[i] = softmax(z, 3);
        }
        Calibration c = Calibration.fit(reported, gold);
        assertThat(c.temperature()).isCloseTo(3, within(0.3));
        assertThat(c.eceBefore()).isGreaterThan(0.1);
        assertThat(c.eceAfter()).isLessThan(c.eceBefore() / 2);
        assertThat(c.examples()).isEqualTo(n);
        // an underconfident model gets a temperature below 1
        double[][] timid = new double[n][];
        for (int i = 0; i < n; i++) {
            timid[i] = Calibration.scaled(reported[i], 9);
        }
        assertThat(Calibration.fit(timid, gold).temperature()).isCloseTo(1 / 3.0, within(0.05));
    }

    @Test
    void theNegativeLogLikelihoodIsLowestAtTheFittedTemperature() {
        double[][] p = {{0.99, 0.01}, {0.98, 0.02}, {0.97, 0.03}, {0.95, 0.05}};
        int[] gold = {0, 0, 0, 1}; // three right of four, at 0.95 to 0.99: overconfident, a finite optimum
        double t = Calibration.fitTemperature(p, gold);
        assertThat(t).isGreaterThan(1).isLessThan(19);
        double[][] logs = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            logs[i] = new double[] {Math.log(p[i][0]), Math.log(p[i][1])};
        }
        double best = Calibration.negativeLogLikelihood(logs, gold, t);
        assertThat(best).isLessThanOrEqualTo(Calibration.negativeLogLikelihood(logs, gold, t * 1.05));
        assertThat(best).isLessThanOrEqualTo(Calibration.negativeLogLikelihood(logs, gold, t / 1.05));
        assertThat(best).isLessThan(Calibration.negativeLogLikelihood(logs, gold, 1));
    }

    @Test
    void thePrecisionTargetPicksTheLowestThresholdThatReachesIt() {
        // calibration of T = 1 (probabilities already calibrated enough): confidences 0.55 .. 0.95
        double[][] p = {{0.95, 0.05}, {0.9, 0.1}, {0.85, 0.15}, {0.8, 0.2}, {0.7, 0.3}, {0.6, 0.4}, {0.55, 0.45},
            {0.52, 0.48}};
        int[] gold = {0, 0, 0, 1, 0, 1, 1, 0};
        Calibration c = new Calibration(1, 8, 0, 0, List.of(), List.of(),
                Calibration.precisionCurve(new double[] {0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.55, 0.52},
                        new boolean[] {true, true, true, false, true, false, false, true}), null, null, null);
        // at >= 0.85: 3 of 3 right; at >= 0.8: 3 of 4; at >= 0.7: 4 of 5; all: 5 of 8
        Calibration.PrecisionThreshold all = c.thresholdFor(0.6);
        assertThat(all.threshold()).isEqualTo(0.0);
        assertThat(all.coverage()).isEqualTo(1.0);
        Calibration.PrecisionThreshold eighty = c.thresholdFor(0.8);
        assertThat(eighty.threshold()).isEqualTo(0.601);
        assertThat(eighty.precision()).isEqualTo(0.8);
        assertThat(eighty.coverage()).isEqualTo(5 / 8.0);
        // the best precision is the curve's (3 of 3 at >= 0.85), not the one at the chosen threshold
        assertThat(eighty.bestPrecision()).isEqualTo(1.0);
        Calibration.PrecisionThreshold perfect = c.thresholdFor(0.99);
        assertThat(perfect.threshold()).isEqualTo(0.801);
        assertThat(perfect.coverage()).isEqualTo(3 / 8.0);
        assertThat(Calibration.reaches(0.85, perfect.threshold())).isTrue();
        assertThat(Calibration.reaches(0.8, perfect.threshold())).isFalse();
        assertThat(Calibration.reaches(0.8009, perfect.threshold())).isFalse();
        // a fit computes the same curve from the probabilities
        assertThat(Calibration.fit(p, gold).thresholdFor(0.99).coverage()).isEqualTo(3 / 8.0);

        Calibration wrong = new Calibration(1, 2, 0, 0, List.of(), List.of(), Calibration.precisionCurve(
                new double[] {0.9, 0.8}, new boolean[] {false, false}), null, null, null);
        Calibration.PrecisionThreshold out = wrong.thresholdFor(0.5);
        assertThat(out.reachable()).isFalse();
        assertThat(out.coverage()).isZero();
        assertThat(out.bestPrecision()).isZero();
        assertThat(c.withDefaults(0.99, 0.1).targetThreshold()).isEqualTo(perfect);
    }

    @Test
    void aTinyTrainedModelThatMemorisedNoisyLabelsIsOverconfidentAndScalingHelps() {
        List<String> labels = List.of("negative", "positive");
        LabelledTexts train = noisy(TestCorpus.examples(400, 21), labels, 0.3, 22);
        LabelledTexts validation = noisy(TestCorpus.examples(300, 23), labels, 0.3, 24);
        LabelledTexts test = noisy(TestCorpus.examples(300, 25), labels, 0.3, 26);
        HyperParameters hp = new HyperParameters(12, 16, 0.02, 16, 24, false, 0.0, 0, 50, 1, 1000, 7, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
        TextClassifier classifier = new ClassifierTrainer().train(train, validation, labels, hp, null,
                new TrainingObserver() {
                    @Override
                    public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                    }

                    @Override
                    public void onEpoch(EpochMetrics metrics) {
                    }
                }, () -> false).classifier();
        Calibration c = Calibration.fit(labels, classifier.classify(validation.texts()), validation.labels());
        assertThat(c.temperature()).as("overconfident").isGreaterThan(1);
        assertThat(c.eceAfter()).isLessThan(c.eceBefore());

        // on texts it was not fitted on, served through the classifier itself
        List<Prediction> raw = classifier.classify(test.texts());
        double before = ece(raw, test, labels);
        classifier.calibratedBy(c.temperature());
        List<Prediction> calibrated = classifier.classify(test.texts());
        assertThat(ece(calibrated, test, labels)).isLessThan(before);
        for (int i = 0; i < raw.size(); i++) {
            assertThat(calibrated.get(i).label()).as("the top label never changes").isEqualTo(raw.get(i).label());
            double[] expected = Calibration.scaled(new double[] {raw.get(i).scores().get("negative"),
                raw.get(i).scores().get("positive")}, c.temperature());
            assertThat(calibrated.get(i).scores().get("negative")).isCloseTo(expected[0], within(1e-9));
            assertThat(calibrated.get(i).confidence()).isCloseTo(Math.max(expected[0], expected[1]), within(1e-9));
        }
        assertThat(classifier.evaluate(test).accuracy()).isEqualTo(accuracy(raw, test, labels));
        assertThat(classifier.calibratedBy(1).classify(test.texts().get(0)).scores())
                .isEqualTo(raw.get(0).scores());
        assertThatThrownBy(() -> classifier.calibratedBy(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> classifier.calibratedBy(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static LabelledTexts noisy(List<TestCorpus.Example> examples, List<String> labels, double flip, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        int[] gold = new int[examples.size()];
        for (int i = 0; i < gold.length; i++) {
            texts.add(examples.get(i).text());
            int label = labels.indexOf(examples.get(i).label());
            gold[i] = random.nextDouble() < flip ? 1 - label : label;
        }
        return new LabelledTexts(texts, gold);
    }

    private static double ece(List<Prediction> predictions, LabelledTexts data, List<String> labels) {
        double[] confidence = new double[predictions.size()];
        boolean[] correct = new boolean[predictions.size()];
        for (int i = 0; i < confidence.length; i++) {
            confidence[i] = predictions.get(i).confidence();
            correct[i] = labels.indexOf(predictions.get(i).label()) == data.labels()[i];
        }
        return Calibration.expectedCalibrationError(confidence, correct);
    }

    private static double accuracy(List<Prediction> predictions, LabelledTexts data, List<String> labels) {
        int right = 0;
        for (int i = 0; i < predictions.size(); i++) {
            right += labels.indexOf(predictions.get(i).label()) == data.labels()[i] ? 1 : 0;
        }
        return (double) right / predictions.size();
    }

    private static double[] softmax(double[] z, double scale) {
        double[] out = new double[z.length];
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v * scale);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            out[c] = Math.exp(z[c] * scale - max);
            sum += out[c];
        }
        for (int c = 0; c < z.length; c++) {
            out[c] /= sum;
        }
        return out;
    }

    private static int draw(double[] p, Random random) {
        double u = random.nextDouble();
        for (int c = 0; c < p.length; c++) {
            u -= p[c];
            if (u < 0) {
                return c;
            }
        }
        return p.length - 1;
    }

    @Test
    void aPredictionScaledByTheCalibrationIsWhatTheCalibratedClassifierAnswers() {
        TextClassifier classifier = com.example.sentiment.TinyModel.train(200, 4);
        List<String> texts = TestCorpus.examples(60, 17).stream().map(TestCorpus.Example::text).toList();
        List<Prediction> raw = classifier.classify(texts);
        Calibration calibration = Calibration.fit(classifier.labels(), raw, new int[texts.size()]);
        assertThat(calibration.temperature()).as("half the texts are labelled wrong: the answers soften").isGreaterThan(1);
        List<Prediction> served = classifier.calibratedBy(calibration.temperature()).classify(texts);
        // the same scores, label and confidence to the last bit; tokens and the rest carried over
        assertThat(raw.stream().map(calibration::applyTo).toList()).isEqualTo(served);
        assertThat(served).isNotEqualTo(raw);
        // temperature 1 and multi-label answers (independent sigmoids, never scaled) stay as they are
        assertThat(Calibration.scaled(raw.get(0), 1)).isSameAs(raw.get(0));
        Prediction multi = new Prediction("a", 0.9, java.util.Map.of("a", 0.9, "b", 0.8), 3, false, List.of("a", "b"));
        assertThat(Calibration.scaled(multi, 3)).isSameAs(multi);
    }
}
