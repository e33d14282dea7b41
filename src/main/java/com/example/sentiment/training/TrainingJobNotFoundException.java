package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** No training job by that id. */
class TrainingJobNotFoundException extends ProblemException {

    private TrainingJobNotFoundException(String detail) {
        super(HttpStatus.NOT_FOUND, "training-job-not-found", "Training job not found", detail);
    }

    public static TrainingJobNotFoundException forId(String id) {
        return new TrainingJobNotFoundException("There is no training job '" + printable(id)
                + "'; GET /api/v1/training-jobs lists them.");
    }
}
