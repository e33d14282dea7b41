package com.example.sentiment.system;

import java.io.IOException;
import java.util.Optional;

/**
 * Thrown by the request body's stream once more bytes have been read than {@code sentiment.classify.max-request-size}
 * allows (see {@link RequestSizeLimitFilter}), and answered 413. An {@link IOException}, because it comes out of
 * {@code InputStream.read}: whoever reads the body (Jackson, a message converter) wraps it in its own exception,
 * so the handlers look for it among the causes with {@link #in(Throwable)}.
 */
public final class RequestTooLargeException extends IOException {

    private final long limit;

    RequestTooLargeException(long limit) {
        super("The request body is over " + limit + " bytes, the limit (sentiment.classify.max-request-size).");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** This exception if {@code failure} is one or was caused by one. */
    public static Optional<RequestTooLargeException> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestTooLargeException tooLarge) {
                return Optional.of(tooLarge);
            }
        }
        return Optional.empty();
    }
}
