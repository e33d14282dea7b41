package com.example.sentiment.model;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Model version ids: lower-case letters, digits and dashes only, so that an id can never name a path
 * outside the models directory whatever a client sends.
 */
final class ModelIds {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ModelIds() {
    }

    static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** A new id that sorts by creation time: {@code 20261128-153000-3fa2}. */
    static String next() {
        return LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }
}
