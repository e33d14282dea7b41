package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * The local queue cannot write a new job's record to disk (full, read-only, failing): answered 503 with
 * Retry-After, type {@code job-storage-unavailable}, and the job is not queued. The disk's own words (and its
 * paths) go to the log only.
 */
class JobStorageUnavailableException extends ProblemException {

    private JobStorageUnavailableException(String detail, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "job-storage-unavailable", "Job storage unavailable", detail);
        initCause(cause);
    }

    static JobStorageUnavailableException because(Throwable cause) {
        return new JobStorageUnavailableException("The training job cannot be recorded right now, so it was not "
                + "queued; try again in a few seconds.", cause);
    }
}
