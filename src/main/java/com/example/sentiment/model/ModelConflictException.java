package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** The operation conflicts with the state of the version (deleting the active one, activating a broken one). */
public class ModelConflictException extends ProblemException {

    private ModelConflictException(String detail) {
        super(HttpStatus.CONFLICT, "model-conflict", "Model conflict", detail);
    }

    public static ModelConflictException activeCannotBeDeleted(String id) {
        return new ModelConflictException("Model version '" + id
                + "' is active and cannot be deleted; activate another version first.");
    }

    /** {@code id} serves as {@code use} (such as the running canary) and cannot be deleted. */
    public static ModelConflictException inUse(String id, String use) {
        return new ModelConflictException("Model version '" + id + "' is " + use + " and cannot be deleted; end "
                + "that first (DELETE /api/v1/models/canary or /api/v1/models/shadow).");
    }

    public static ModelConflictException versionExists(String id) {
        return new ModelConflictException("Model version '" + id + "' already exists; a version is never overwritten.");
    }

    public static ModelConflictException activationRaced(String id) {
        return new ModelConflictException("Another activation changed the active version while '" + id
                + "' was being loaded, or that version is being deleted; read the active version and try again.");
    }

    public static ModelConflictException deletionRaced(String id) {
        return new ModelConflictException("The active version changed while '" + id
                + "' was about to be deleted, so it was kept; read the active version and try again.");
    }

    public static ModelConflictException unusable(String id, String reason) {
        return new ModelConflictException("Model version '" + id + "' cannot be loaded: " + reason);
    }
}
