package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * The shared job queue's database cannot be reached (restarting, or out of reach): answered 503 with
 * Retry-After, type {@code database-unavailable}. The job API answers again as soon as it is back; jobs keep
 * training meanwhile, and their workers record them once they can.
 */
public class JobQueueUnavailableException extends ProblemException {

    static final String SLUG = "database-unavailable";

    private JobQueueUnavailableException(String detail, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, SLUG, "Database unavailable", detail);
        initCause(cause);
    }

    static JobQueueUnavailableException because(Throwable cause) {
        return new JobQueueUnavailableException("The training job queue's database (PostgreSQL) cannot be reached "
                + "right now; try again in a few seconds.", cause);
    }
}
