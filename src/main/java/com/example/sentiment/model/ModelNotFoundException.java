package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** No usable model version by that id (unknown, malformed or deleted). */
public class ModelNotFoundException extends ProblemException {

    private ModelNotFoundException(String detail) {
        super(HttpStatus.NOT_FOUND, "model-not-found", "Model not found", detail);
    }

    public static ModelNotFoundException forId(String id) {
        return new ModelNotFoundException("There is no model version '" + printable(id)
                + "'; GET /api/v1/models lists the stored versions.");
    }
}
