package com.example.sentiment.classificationjob;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** No classification job by that id (or its results were deleted after the retention time): 404. */
class ClassificationJobNotFoundException extends ProblemException {

    private ClassificationJobNotFoundException(String detail) {
        super(HttpStatus.NOT_FOUND, "classification-job-not-found", "Classification job not found", detail);
    }

    static ClassificationJobNotFoundException forId(String id) {
        return new ClassificationJobNotFoundException("There is no classification job '" + printable(id)
                + "' (finished jobs are deleted after the retention time); GET /api/v1/classification-jobs lists them.");
    }
}
