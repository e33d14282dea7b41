package com.example.sentiment.feedback;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** No correction has the id asked for; answered 404. */
class FeedbackNotFoundException extends ProblemException {

    private FeedbackNotFoundException(String detail) {
        super(HttpStatus.NOT_FOUND, "feedback-not-found", "Correction not found", detail);
    }

    static FeedbackNotFoundException forId(String id) {
        return new FeedbackNotFoundException("No correction with id '" + printable(id) + "'.");
    }
}
