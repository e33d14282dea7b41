package com.example.sentiment.ml;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a model reads a text longer than its {@code maxSequenceLength} tokens (pieces, for a model that reads an
 * encoder's states).
 *
 * <p>{@code TRUNCATE} reads the first {@code maxSequenceLength} tokens and drops the rest (the answer says
 * {@code truncated}); every version saved before this setting existed reads texts so. {@code CHUNK} reads the
 * whole text as overlapping windows of {@code maxSequenceLength} tokens, {@code longTextStride} tokens apart (the
 * last one ending at the text's end), runs them as one batch and answers the mean of their probabilities; training
 * reads a long text's windows as examples of its label, each weighing 1/windows so that the text counts once.
 */
public enum LongText {
    TRUNCATE, CHUNK;

    /** The name used in training settings and requests: {@code truncate} or {@code chunk}. */
    @JsonValue
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From its setting name, case-insensitively. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static LongText ofSetting(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
