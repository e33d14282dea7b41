package com.example.sentiment.classification;

import com.example.sentiment.system.ProblemException;
import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * The texts of a call were not classified: the forward pass failed on the service's side (out of memory, say),
 * no inference worker runs, or the answer took longer than {@code sentiment.classify.request-timeout}. Answered
 * 503 with Retry-After: none of these is the request's fault, and a retry may well succeed.
 */
class InferenceUnavailableException extends ProblemException {

    private InferenceUnavailableException(String slug, String title, String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, slug, title, detail);
    }

    /** The forward pass that held these texts failed; what failed is logged, not told. */
    static InferenceUnavailableException failed() {
        return new InferenceUnavailableException("inference-failed", "Inference failed",
                "The service failed to classify these texts (the failure has been logged); retry shortly.");
    }

    /** Every inference worker is gone and none could be started again; liveness is DOWN. */
    static InferenceUnavailableException noWorkers() {
        return new InferenceUnavailableException("inference-failed", "Inference failed",
                "No inference worker is running on this node; retry shortly (on another node).");
    }

    static InferenceUnavailableException timedOut(Duration timeout) {
        return new InferenceUnavailableException("inference-timeout", "Inference timed out",
                "The texts were not classified within " + describe(timeout)
                        + "; retry shortly, or send fewer at once.");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
