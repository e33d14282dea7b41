package com.example.sentiment.feedback;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Ids of corrections: the time they were given, then random hex ({@code 20261202-041500-123-8f3a1c2d}). */
final class FeedbackIds {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);
    private static final Pattern VALID = Pattern.compile("\\d{8}-\\d{6}-\\d{3}-[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FeedbackIds() {
    }

    static String next(Instant at) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return TIME.format(at) + "-" + HexFormat.of().formatHex(random);
    }

    /** Also keeps ids safe as file names. */
    static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
