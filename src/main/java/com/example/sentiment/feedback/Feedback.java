package com.example.sentiment.feedback;

import io.swagger.v3.oas.annotations.media.Schema;
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
}
