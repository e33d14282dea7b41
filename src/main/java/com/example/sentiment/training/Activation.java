package com.example.sentiment.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The training setting {@code activate}: {@code "if-better"}, the default (activate the new version only if it
 * beats the active version on the job's held-out data, so that a job never silently replaces a better model; see
 * {@link PromotionGate}), {@code true} (activate it when the job succeeds) or {@code false} (only store it).
 */
enum Activation {
    ALWAYS(Boolean.TRUE), NEVER(Boolean.FALSE), IF_BETTER("if-better");

    private final Object json;

    Activation(Object json) {
        this.json = json;
    }

    /** As written in JSON: {@code true}, {@code false} or {@code "if-better"}, as the client sent it. */
    @JsonValue
    Object json() {
        return json;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Activation of(Object value) {
        for (Activation a : values()) {
            if (a.json.equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("must be true, false or \"if-better\"");
    }
}
