package com.example.sentiment.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The training setting {@code activate}: {@code true} (activate the new version when the job succeeds),
 * {@code false} (only store it) or {@code "if-better"} (activate it only if it beats the active version on the
 * job's held-out data; see {@link PromotionGate}).
 */
public enum Activation {
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
