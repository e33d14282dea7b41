package com.example.sentiment.feedback;

import java.util.Optional;

/**
 * Which strings every feedback backend gives back exactly as they were given. Two kinds do not: U+0000, which a
 * PostgreSQL {@code text} cannot hold, and an unpaired surrogate, which UTF-8 (the files' and the database's
 * encoding) cannot encode and would come back as {@code ?}. The service refuses them with a 400 at the edge, and
 * every adapter refuses them too, so that a correction is never stored altered. Classification accepts both
 * (it stores nothing, and its tokenizer reads U+0000 as a space): a client that wants to correct such an answer
 * sends the text without them.
 */
public final class StorableText {

    private StorableText() {
    }

    /** Why {@code value} cannot be stored exactly; empty when it can (and for null). */
    public static Optional<String> problem(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return Optional.of("must not contain the NUL character (U+0000), at character " + (i + 1));
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must not contain an unpaired surrogate (U+" + String.format("%04X", (int) c)
                        + "), at character " + (i + 1));
            }
        }
        return Optional.empty();
    }

    /** For adapters: refuses a correction with a field no backend can store exactly. */
    public static void check(Feedback feedback) {
        check("text", feedback.text());
        check("label", feedback.label());
        check("modelId", feedback.modelId());
        check("predictedLabel", feedback.predictedLabel());
    }

    private static void check(String field, String value) {
        problem(value).ifPresent(reason -> {
            throw new IllegalArgumentException(field + " " + reason);
        });
    }
}
