package com.example.sentiment.classificationjob;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A request that the job's state does not allow: results of a job that has not succeeded, or cancelling one that
 * has ended. 409, type {@code job-not-finished} or {@code job-finished}.
 */
class ClassificationJobStateException extends ProblemException {

    private ClassificationJobStateException(String slug, String title, String detail) {
        super(HttpStatus.CONFLICT, slug, title, detail);
    }

    static ClassificationJobStateException noResultsYet(ClassificationJob job) {
        String detail = job.state().finished()
                ? "Classification job '" + job.id() + "' is " + job.state() + ": it has no results to download."
                : "Classification job '" + job.id() + "' is " + job.state() + "; its results can be downloaded once "
                        + "it has SUCCEEDED (GET /api/v1/classification-jobs/" + job.id() + " shows its progress).";
        return (ClassificationJobStateException) new ClassificationJobStateException("job-not-finished",
                "Classification job has no results", detail).with("state", job.state().name());
    }

    static ClassificationJobStateException cannotCancel(ClassificationJob job) {
        return new ClassificationJobStateException("job-finished", "Classification job already finished",
                "Classification job '" + job.id() + "' is " + job.state() + " already; there is nothing to cancel.");
    }
}
