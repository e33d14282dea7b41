package com.example.sentiment.classificationjob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A classification job as the API shows it. */
@Schema(example = "{\"id\":\"cj-20261207-013000-3fa2\",\"state\":\"RUNNING\",\"modelId\":\"20261128-153000-3fa2\","
        + "\"filename\":\"reviews.csv\",\"inputFormat\":\"csv\",\"textColumn\":\"text\",\"outputFormat\":\"csv\","
        + "\"progress\":{\"rowsDone\":40960,\"totalRows\":1000000,\"percent\":4.1,\"rowsPerSecond\":5120.5,"
        + "\"etaSeconds\":187.3},\"createdAt\":\"2026-12-07T01:30:00Z\",\"startedAt\":\"2026-12-07T01:30:01Z\"}")
@JsonInclude(JsonInclude.Include.NON_NULL)
record ClassificationJobView(
        String id,
        @Schema(description = "QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED") String state,
        @Schema(description = "The model version that classifies every row") String modelId,
        String filename,
        @Schema(description = "csv, tsv or jsonl") String inputFormat,
        String textColumn,
        @Schema(description = "csv or jsonl") String outputFormat,
        Progress progress,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "Why the job failed") String error,
        @Schema(description = "Where the results are, once the job has SUCCEEDED") String results) {

    /**
     * @param rowsDone rows classified and committed
     * @param rowsPerSecond rows per second of the current run (while running) or of the whole job (when ended)
     * @param etaSeconds seconds until the job ends at the current rate, while it runs
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Progress(long rowsDone, long totalRows, double percent, Double rowsPerSecond, Double etaSeconds) {
    }
}
