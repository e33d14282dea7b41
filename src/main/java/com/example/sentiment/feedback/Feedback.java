package com.example.sentiment.feedback;

import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One stored correction: the label a text should have had.
 *
 * @param modelId the model version whose answer is corrected, when the client said
 * @param predictedLabel the label that model gave, when the client said
 */
@Schema(example = "{\"id\":\"20261202-041500-123-8f3a1c2d\",\"createdAt\":\"2026-12-02T04:15:00.123Z\","
        + "\"text\":\"Not bad at all\",\"label\":\"positive\",\"modelId\":\"20261128-153000-3fa2\","
        + "\"predictedLabel\":\"negative\"}")
public record Feedback(String id, Instant createdAt, String text, String label, String modelId,
                       String predictedLabel) {

    /**
     * What this correction counts against {@code sentiment.feedback.max-total-size}: the UTF-8 bytes of its
     * text, label, model id and predicted label, the same on every backend.
     */
    public long storedSize() {
        return utf8(text) + utf8(label) + utf8(modelId) + utf8(predictedLabel);
    }

    private static long utf8(String value) {
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }
}
