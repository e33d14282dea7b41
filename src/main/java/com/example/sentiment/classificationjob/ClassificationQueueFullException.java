package com.example.sentiment.classificationjob;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** As many jobs wait or run as {@code sentiment.classification-jobs.max-queued} allows: 503. */
class ClassificationQueueFullException extends ProblemException {

    private ClassificationQueueFullException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "classification-queue-full", "Too many classification jobs", detail);
    }

    static ClassificationQueueFullException of(int max) {
        return new ClassificationQueueFullException(max + " classification jobs are waiting or running already; "
                + "submit again once one has finished.");
    }
}
