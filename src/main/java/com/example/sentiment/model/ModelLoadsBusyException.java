package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * Back-pressure on versions asked for by id: {@code sentiment.classify.max-waiting-loads} requests already wait
 * for versions to load. Answered 503 with Retry-After, as a full classification queue is ({@code service-busy}).
 */
class ModelLoadsBusyException extends ProblemException {

    private ModelLoadsBusyException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "service-busy", "Service busy", detail);
    }

    static ModelLoadsBusyException create() {
        return new ModelLoadsBusyException("Too many requests are waiting for model versions to load; retry shortly, "
                + "or use the active version.");
    }
}
