package com.example.sentiment.feedback;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * The feedback store holds as many corrections, or as many bytes, as {@code sentiment.feedback} allows; answered
 * 413. Not 429: a 429 tells clients (and retrying HTTP libraries) to try again later, which cannot succeed until
 * an operator acts; 413 says this content is more than the service will take, and is not retried on its own.
 */
public class FeedbackStoreFullException extends ProblemException {

    private FeedbackStoreFullException(String detail) {
        super(HttpStatus.CONTENT_TOO_LARGE, "feedback-store-full", "Feedback store full", detail);
    }

    /** Past {@code sentiment.feedback.max-entries}. */
    public static FeedbackStoreFullException entries(long max) {
        return new FeedbackStoreFullException("The feedback store holds its maximum of " + max + " corrections "
                + "(sentiment.feedback.max-entries); an operator must export and remove corrections, or raise the cap.");
    }

    /** Past {@code sentiment.feedback.max-total-size}. */
    public static FeedbackStoreFullException size(long maxBytes) {
        return new FeedbackStoreFullException("This correction would take the feedback store past its maximum of "
                + maxBytes + " bytes (sentiment.feedback.max-total-size); an operator must export and remove "
                + "corrections, or raise the cap.");
    }
}
