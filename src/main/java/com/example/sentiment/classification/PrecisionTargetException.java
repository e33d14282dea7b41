package com.example.sentiment.classification;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A request's {@code targetPrecision} that its version cannot answer: no threshold reaches it on the version's
 * validation data, or the version has no calibration (it was trained before versions recorded one). A 422, so that
 * a client never gets answers whose precision is not what it asked for.
 */
class PrecisionTargetException extends ProblemException {

    private PrecisionTargetException(String detail) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "precision-target-unavailable", "Precision target unavailable", detail);
    }

    static PrecisionTargetException unreachable(String modelId, Calibration.PrecisionThreshold t) {
        PrecisionTargetException e = new PrecisionTargetException(String.format(java.util.Locale.ROOT,
                "No confidence threshold of model version '%s' reaches precision %s on its validation data; the "
                        + "highest it reaches is %.4f. Ask for a lower targetPrecision.",
                modelId, t.target(), t.bestPrecision()));
        return e.withFigures(t);
    }

    private PrecisionTargetException withFigures(Calibration.PrecisionThreshold t) {
        with("targetPrecision", t.target());
        with("bestPrecision", t.bestPrecision());
        return this;
    }

    static PrecisionTargetException uncalibrated(String modelId) {
        return new PrecisionTargetException("Model version '" + modelId + "' has no validation precision curve (it "
                + "was trained before versions recorded one); calibrate it with the evaluate command's --calibrate "
                + "option, or leave out targetPrecision.");
    }
}
