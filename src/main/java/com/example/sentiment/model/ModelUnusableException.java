package com.example.sentiment.model;

import java.io.IOException;

/**
 * A version that cannot be loaded whatever the storage does: a file is missing, does not match the checksum
 * recorded in its metadata, or is not a model. Unlike other {@link IOException}s, retrying reads the same bytes.
 */
class ModelUnusableException extends IOException {

    ModelUnusableException(String message) {
        super(message);
    }

    ModelUnusableException(String message, Throwable cause) {
        super(message, cause);
    }

    static ModelUnusableException checksumMismatch(String id, String file) {
        return new ModelUnusableException("file " + file + " of version " + id
                + " does not match its checksum (corrupted); refusing to load it");
    }
}
