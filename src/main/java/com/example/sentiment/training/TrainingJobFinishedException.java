package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * Cancelling a job that already ended (SUCCEEDED, FAILED or CANCELLED): 409 {@code job-finished}, so that a
 * client does not take a 200 for a cancellation that did nothing (the version a succeeded job wrote stays).
 */
class TrainingJobFinishedException extends ProblemException {

    private TrainingJobFinishedException(String detail) {
        super(HttpStatus.CONFLICT, "job-finished", "Training job already finished", detail);
    }

    static TrainingJobFinishedException cannotCancel(TrainingJobView job) {
        return new TrainingJobFinishedException("Training job '" + job.id() + "' is " + job.state()
                + " already; there is nothing to cancel."
                + (job.modelId() != null ? " To remove the version it wrote, delete model " + job.modelId() + "." : ""));
    }
}
