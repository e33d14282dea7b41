package com.example.sentiment.classification;

import org.springframework.http.HttpStatus;

/** A refusal in the Open Inference Protocol's terms, answered by {@link OpenInferenceErrors}. */
final class ProtocolException extends RuntimeException {

    private final HttpStatus status;

    private ProtocolException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }

    static ProtocolException badRequest(String message) {
        return new ProtocolException(HttpStatus.BAD_REQUEST, message);
    }

    static ProtocolException notFound(String message) {
        return new ProtocolException(HttpStatus.NOT_FOUND, message);
    }

    static ProtocolException conflict(String message) {
        return new ProtocolException(HttpStatus.CONFLICT, message);
    }
}
