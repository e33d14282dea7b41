package com.example.sentiment.drift;

/** A signal's judgement, from best to worst for those that are judged. */
enum DriftStatus {
    OK("ok"), WARN("warn"), ALERT("alert"), INSUFFICIENT_DATA("insufficient-data"), NO_REFERENCE("no-reference"),
    NOT_APPLICABLE("not-applicable");

    private final String key;

    DriftStatus(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    boolean judged() {
        return this == OK || this == WARN || this == ALERT;
    }
}
