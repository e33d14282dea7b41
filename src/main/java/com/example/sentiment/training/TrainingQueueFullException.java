package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** Every training slot and queue place is taken; answered 503 with Retry-After. */
class TrainingQueueFullException extends ProblemException {

    private TrainingQueueFullException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "training-queue-full", "Training queue full", detail);
    }

    public static TrainingQueueFullException withCapacity(int running, int queued) {
        return new TrainingQueueFullException("The service is already training " + running + " job(s) with "
                + queued + " waiting, its limit; try again when one finishes, or cancel one.");
    }
}
