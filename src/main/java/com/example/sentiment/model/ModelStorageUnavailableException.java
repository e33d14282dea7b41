package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import java.io.IOException;
import org.springframework.http.HttpStatus;

/** The model storage (a disk, an object store) failed; the same call may succeed when it is retried. */
public class ModelStorageUnavailableException extends ProblemException {

    private ModelStorageUnavailableException(String detail, IOException cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "model-storage-unavailable", "Model storage unavailable", detail);
        initCause(cause);
    }

    private ModelStorageUnavailableException(String detail, RuntimeException cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "model-storage-unavailable", "Model storage unavailable", detail);
        initCause(cause);
    }

    /**
     * The active-version pointer (its file, or the PostgreSQL row) cannot be read or written: nothing changed.
     * The detail is the same whatever the cause, whose words (paths, hosts) go to the log only.
     */
    static ModelStorageUnavailableException pointerUnavailable(RuntimeException cause) {
        return new ModelStorageUnavailableException(
                "The active version cannot be read or recorded right now, so nothing was changed; retry later.", cause);
    }

    static ModelStorageUnavailableException of(String what, IOException cause) {
        return new ModelStorageUnavailableException(what + ": " + cause.getMessage() + "; retry later", cause);
    }
}
