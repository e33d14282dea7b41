package com.example.sentiment.classification;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelMetadata;

/**
 * When an answer has no label, and why: each option is the request's, else the version's default.
 *
 * @param minConfidence abstain below this top probability ({@value #LOW_CONFIDENCE}); null for none
 * @param precisionTarget abstain below its threshold ({@value #PRECISION_TARGET}); one whose target no threshold
 *                        reaches (a version default) abstains on everything; null for none
 * @param ambiguityMargin abstain when the top two probabilities are closer than this ({@value #AMBIGUOUS}); null for
 *                        none
 */
record AbstentionRule(Double minConfidence, Calibration.PrecisionThreshold precisionTarget, Double ambiguityMargin) {

    static final String LOW_CONFIDENCE = "low-confidence";
    static final String PRECISION_TARGET = "precision-target";
    static final String AMBIGUOUS = "ambiguous";

    /**
     * The rule of one request on one version.
     *
     * @throws PrecisionTargetException when the request asks for a precision target the version cannot answer
     */
    static AbstentionRule of(String modelId, ModelMetadata metadata, ClassificationService.Options options) {
        Calibration calibration = metadata == null ? null : metadata.calibration();
        Double threshold = options.minConfidence() != null ? options.minConfidence()
                : metadata == null ? null : metadata.minConfidence();
        Calibration.PrecisionThreshold target = null;
        if (options.targetPrecision() != null) {
            if (calibration == null || calibration.precisionCurve() == null) {
                throw PrecisionTargetException.uncalibrated(modelId);
            }
            target = calibration.thresholdFor(options.targetPrecision());
            if (!target.reachable()) {
                throw PrecisionTargetException.unreachable(modelId, target);
            }
        } else if (calibration != null) {
            // the version's own target; when unreachable it abstains on everything rather than answer below it
            target = calibration.targetThreshold();
        }
        Double margin = options.ambiguityMargin() != null ? options.ambiguityMargin()
                : calibration == null ? null : calibration.ambiguityMargin();
        return new AbstentionRule(threshold, target, margin);
    }

    /** Why this prediction gets no label, or null when it gets one; the first reason that applies, in this order. */
    String reason(Prediction p) {
        if (minConfidence != null && p.confidence() < minConfidence) {
            return LOW_CONFIDENCE;
        }
        if (precisionTarget != null && (!precisionTarget.reachable()
                || !Calibration.reaches(p.confidence(), precisionTarget.threshold()))) {
            return PRECISION_TARGET;
        }
        if (ambiguityMargin != null && topTwoGap(p) < ambiguityMargin) {
            return AMBIGUOUS;
        }
        return null;
    }

    /** The top probability minus the second one (the top one itself for a single label). */
    static double topTwoGap(Prediction p) {
        double first = 0;
        double second = 0;
        for (double s : p.scores().values()) {
            if (s > first) {
                second = first;
                first = s;
            } else if (s > second) {
                second = s;
            }
        }
        return first - second;
    }
}
