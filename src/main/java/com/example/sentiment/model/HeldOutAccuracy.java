package com.example.sentiment.model;

import com.example.sentiment.ml.EvaluationReport;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The accuracy (and macro-F1) a version is shown with, on data it never saw in any form, and what that data was: a
 * labelled file recorded by {@code evaluate --record} (the largest, when several), else the job's validation
 * data, from which copies of training examples were removed.
 *
 * @param standardError binomial standard error, {@code sqrt(accuracy (1 - accuracy) / examples)}
 * @param measuredOn what the figure was measured on, e.g. {@code dev.csv (872 examples)}
 */
public record HeldOutAccuracy(double accuracy, double standardError, double macroF1, int examples, String measuredOn) {

    /** The figure of a version's metadata, or empty when it records none. */
    public static Optional<HeldOutAccuracy> of(ModelMetadata m) {
        Map<String, EvaluationReport> files = m.evaluations() == null ? Map.of() : m.evaluations();
        Optional<Map.Entry<String, EvaluationReport>> file = files.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().examples() > 0)
                .max(Comparator.<Map.Entry<String, EvaluationReport>>comparingInt(e -> e.getValue().examples())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()));
        if (file.isPresent()) {
            EvaluationReport r = file.get().getValue();
            return Optional.of(of(r, file.get().getKey() + " (" + r.examples() + " examples)"));
        }
        EvaluationReport r = m.evaluation();
        if (r == null || r.examples() <= 0) {
            return Optional.empty();
        }
        ModelMetadata.DatasetFingerprint d = m.dataset();
        String source = d != null && "file".equals(d.validationSource()) ? "validation file" : "validation split";
        // versions trained before copies were removed say so
        String copies = d != null && d.validationDuplicatesRemoved() != null ? "duplicates removed"
                : "copies of training examples not removed";
        return Optional.of(of(r, source + " (" + r.examples() + " examples, " + copies + ")"));
    }

    private static HeldOutAccuracy of(EvaluationReport r, String measuredOn) {
        double a = r.accuracy();
        return new HeldOutAccuracy(a, Math.sqrt(a * (1 - a) / r.examples()), r.macroF1(), r.examples(), measuredOn);
    }

    /** For example {@code 86.1% ± 1.2 on dev.csv (872 examples)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%.1f%% ± %.1f on %s", accuracy * 100, standardError * 100, measuredOn);
    }
}
