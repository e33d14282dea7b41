package com.example.sentiment.classificationjob;

import java.time.Instant;

/**
 * The stored record of a classification job: what to classify with what, and how far it got. The rows done
 * while it runs are in its checkpoint ({@link ClassificationJobFiles.Checkpoint}); the record holds them once the
 * job has ended.
 *
 * @param modelId the version that classifies every row: the active one when the job was submitted, unless named,
 *                so that a job resumed after a restart answers with the same version
 * @param inputFormat {@code csv}, {@code tsv} or {@code jsonl}
 * @param outputFormat {@code csv} or {@code jsonl}
 * @param totalRows rows in the uploaded file (counted when it was checked)
 * @param rowsDone rows classified, as of the record's last write
 * @param runSeconds seconds spent running, summed over every run (a resumed job runs more than once)
 */
record ClassificationJob(String id, State state, String modelId, String filename, String inputFormat,
                         String textColumn, String outputFormat, long totalRows, long rowsDone, Instant createdAt,
                         Instant startedAt, Instant finishedAt, double runSeconds, String error) {

    /** Where a job is in its life. */
    enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    ClassificationJob running(Instant now) {
        return new ClassificationJob(id, State.RUNNING, modelId, filename, inputFormat, textColumn, outputFormat,
                totalRows, rowsDone, createdAt, startedAt == null ? now : startedAt, null, runSeconds, null);
    }

    ClassificationJob ended(State end, long rows, double seconds, Instant now, String reason) {
        return new ClassificationJob(id, end, modelId, filename, inputFormat, textColumn, outputFormat, totalRows,
                rows, createdAt, startedAt, now, runSeconds + seconds, reason);
    }

    /** Progress made by a run that stopped without ending the job (the process is shutting down). */
    ClassificationJob paused(long rows, double seconds) {
        return new ClassificationJob(id, state, modelId, filename, inputFormat, textColumn, outputFormat, totalRows,
                rows, createdAt, startedAt, finishedAt, runSeconds + seconds, error);
    }
}
