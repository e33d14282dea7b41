package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** Classification was asked for, but no model version is active yet. */
public class NoActiveModelException extends ProblemException {

    private NoActiveModelException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "no-active-model", "No active model", detail);
    }

    public static NoActiveModelException loading() {
        return new NoActiveModelException("The active model is still loading; try again in a few seconds.");
    }

    public static NoActiveModelException create() {
        return new NoActiveModelException("No model is active yet. Train one with POST /api/v1/training-jobs "
                + "(it is activated when it succeeds), or activate a stored version with PUT /api/v1/models/active.");
    }
}
