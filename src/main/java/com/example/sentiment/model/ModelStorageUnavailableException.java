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

    static ModelStorageUnavailableException of(String what, IOException cause) {
        return new ModelStorageUnavailableException(what + ": " + cause.getMessage() + "; retry later", cause);
    }
}
