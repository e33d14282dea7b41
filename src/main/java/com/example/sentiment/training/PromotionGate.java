package com.example.sentiment.training;

import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelService;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Metric-gated promotion: a new version replaces the active one only if its macro-F1 on the job's held-out
 * data beats the active version's on the same data by at least the margin
 * ({@code sentiment.training.promotion-margin}). With no active version the new one is activated; an active
 * version with other labels cannot be compared, so it stays active (activate the new one explicitly).
 */
final class PromotionGate {

    private final double margin;

    PromotionGate(double margin) {
        this.margin = margin;
    }

    Promotion decide(TextClassifier candidate, Optional<ModelService.LoadedModel> active, List<String> labels,
                     LabelledTexts heldOut) {
        if (candidate.multiLabel() && heldOut.multiLabel()) {
            return decideMultiLabel(candidate, active, labels, heldOut);
        }
        double candidateF1 = candidate.evaluate(heldOut).macroF1();
        int n = heldOut.size();
        if (active.isEmpty()) {
            return new Promotion(Promotion.ACTIVATED, null, candidateF1, null, n, "no model was active");
        }
        ModelService.LoadedModel current = active.get();
        List<String> activeLabels = current.classifier().labels();
        if (!new HashSet<>(activeLabels).equals(new HashSet<>(labels))) {
            return new Promotion(Promotion.KEPT_ACTIVE, current.id(), candidateF1, null, n, "the active model "
                    + current.id() + " has other labels (" + String.join(", ", activeLabels) + ") than this job ("
                    + String.join(", ", labels) + "), so the two cannot be compared; activate the new version "
                    + "explicitly if it should replace it");
        }
        double activeF1 = current.classifier().evaluate(inLabelOrder(heldOut, labels, activeLabels)).macroF1();
        return compared("macro-F1", candidateF1, activeF1, current.id(), n);
    }

    /** Activates the candidate when its figure beats the active version's by the margin. */
    private Promotion compared(String metric, double candidateF1, double activeF1, String activeId, int n) {
        double gain = candidateF1 - activeF1;
        // a tiny tolerance so that a gain of exactly the margin is not lost to floating-point rounding
        boolean better = gain >= margin - 1e-12;
        String figures = String.format(Locale.ROOT, "%s %.4f against %.4f of the active model %s on %d "
                + "held-out examples", metric, candidateF1, activeF1, activeId, n);
        return better
                ? new Promotion(Promotion.ACTIVATED, activeId, candidateF1, activeF1, n,
                        figures + String.format(Locale.ROOT, ": better by %.4f (margin %.4f)", gain, margin))
                : new Promotion(Promotion.KEPT_ACTIVE, activeId, candidateF1, activeF1, n,
                        figures + String.format(Locale.ROOT, ": not better by the margin %.4f", margin));
    }

    /**
     * The same for a multi-label version, on micro-F1 at each version's own thresholds: an active version that
     * is single-label, or has other labels, cannot be compared and stays active.
     */
    private Promotion decideMultiLabel(TextClassifier candidate, Optional<ModelService.LoadedModel> active,
                                       List<String> labels, LabelledTexts heldOut) {
        double candidateF1 = candidate.evaluateMultiLabel(heldOut.texts(), heldOut.labelSets()).multiLabel().microF1();
        int n = heldOut.size();
        if (active.isEmpty()) {
            return new Promotion(Promotion.ACTIVATED, null, candidateF1, null, n, "no model was active");
        }
        ModelService.LoadedModel current = active.get();
        List<String> activeLabels = current.classifier().labels();
        if (!current.classifier().multiLabel() || !new HashSet<>(activeLabels).equals(new HashSet<>(labels))) {
            return new Promotion(Promotion.KEPT_ACTIVE, current.id(), candidateF1, null, n, "the active model "
                    + current.id() + (current.classifier().multiLabel() ? " has other labels" : " is single-label")
                    + " and this job's is multi-label, so the two cannot be compared; activate the new version "
                    + "explicitly if it should replace it");
        }
        double activeF1 = current.classifier().evaluateMultiLabel(heldOut.texts(), heldOut.labelSets())
                .multiLabel().microF1();
        return compared("micro-F1", candidateF1, activeF1, current.id(), n);
    }

    /** The same examples with label indices into {@code target} instead of {@code source}. */
    private static LabelledTexts inLabelOrder(LabelledTexts data, List<String> source, List<String> target) {
        int[] mapped = new int[data.size()];
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] = target.indexOf(source.get(data.labels()[i]));
        }
        return new LabelledTexts(data.texts(), mapped);
    }
}
