package com.example.sentiment.rollout;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The stored form of {@link RolloutState}, the same for every adapter: JSON, unknown fields ignored (newer replicas). */
public final class RolloutJson {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private RolloutJson() {
    }

    /** The state as JSON text. */
    public static String write(RolloutState state) {
        return JSON.writeValueAsString(state);
    }

    /** The state from JSON text; blank or {@code {}} is {@link RolloutState#EMPTY}. */
    public static RolloutState read(String text) {
        if (text == null || text.isBlank()) {
            return RolloutState.EMPTY;
        }
        RolloutState state = JSON.readValue(text, RolloutState.class);
        return state == null ? RolloutState.EMPTY : state;
    }
}
