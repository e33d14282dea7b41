package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.EvaluationAveraging;

/** Builds {@link EvaluationReport}s with ND4J's {@link Evaluation}. */
final class Evaluations {

    private Evaluations() {
    }

    static EvaluationReport report(List<String> labels, int[] actual, int[] predicted) {
        Evaluation eval = new Evaluation(labels, 1);
        for (int i = 0; i < actual.length; i++) {
            eval.eval(predicted[i], actual[i]);
        }
        return report(labels, eval, actual.length);
    }

    static EvaluationReport report(List<String> labels, Evaluation eval, int examples) {
        int classes = labels.size();
        int[][] confusion = new int[classes][classes];
        List<EvaluationReport.LabelMetrics> perLabel = new ArrayList<>();
        for (int a = 0; a < classes; a++) {
            int support = 0;
            for (int p = 0; p < classes; p++) {
                confusion[a][p] = eval.getConfusionMatrix().getCount(a, p);
                support += confusion[a][p];
            }
            perLabel.add(new EvaluationReport.LabelMetrics(labels.get(a), finite(eval.precision(a)),
                    finite(eval.recall(a)), finite(eval.f1(a)), support));
        }
        double macroF1 = perLabel.stream().mapToDouble(EvaluationReport.LabelMetrics::f1).average().orElse(0);
        double accuracy = examples == 0 ? 0 : finite(eval.accuracy());
        return new EvaluationReport(examples, accuracy, macroF1, List.copyOf(labels), perLabel, confusion,
                EvaluationReport.standardError(accuracy, examples), EvaluationReport.standardError(macroF1, examples));
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0.0;
    }
}
