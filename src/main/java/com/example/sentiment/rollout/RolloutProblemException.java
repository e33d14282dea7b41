package com.example.sentiment.rollout;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** A rollout request that the current state does not allow: no shadow or canary to act on, or a conflict. */
class RolloutProblemException extends ProblemException {

    private RolloutProblemException(HttpStatus status, String slug, String title, String detail) {
        super(status, slug, title, detail);
    }

    static RolloutProblemException noShadow() {
        return new RolloutProblemException(HttpStatus.NOT_FOUND, "no-shadow", "No shadow version",
                "No version is a shadow; PUT /api/v1/models/shadow makes one.");
    }

    static RolloutProblemException noCanary() {
        return new RolloutProblemException(HttpStatus.NOT_FOUND, "no-canary", "No running canary",
                "No canary is running; PUT /api/v1/models/canary starts one.");
    }

    static RolloutProblemException conflict(String detail) {
        return new RolloutProblemException(HttpStatus.CONFLICT, "rollout-conflict", "Rollout conflict", detail);
    }
}
