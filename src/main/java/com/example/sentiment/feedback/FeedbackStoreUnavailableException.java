package com.example.sentiment.feedback;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A correction could not be written (a full disk, a failing volume): 503 with Retry-After and a stable message.
 * The cause, which may name a path, goes to the log only.
 */
class FeedbackStoreUnavailableException extends ProblemException {

    FeedbackStoreUnavailableException() {
        super(HttpStatus.SERVICE_UNAVAILABLE, "feedback-store-unavailable", "Feedback store unavailable",
                "The correction could not be stored right now; nothing was stored. Try again later.");
    }
}
