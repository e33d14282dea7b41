package com.example.sentiment.classification;

import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.RequestTooLargeException;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The Open Inference Protocol's error answers, {@code {"error": "..."}} instead of problem details, for
 * {@link OpenInferenceController} alone. It comes before the service's problem-detail advice, which would
 * otherwise answer the exceptions both handle; since it handles every exception, that advice never answers
 * for the V2 endpoints.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

    private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);

    /** The protocol's error body. */
    record InferenceError(@Schema(example = "input 'text' must have datatype BYTES, got 'FP32'") String error) {
    }

    @ExceptionHandler(ProtocolException.class)
    ResponseEntity<InferenceError> protocolError(ProtocolException e) {
        return ResponseEntity.status(e.status()).body(new InferenceError(e.getMessage()));
    }

    /** The service's own refusals (unknown model 404, invalid texts 400, busy or no model 503) in the protocol's form. */
    @ExceptionHandler(ProblemException.class)
    ResponseEntity<InferenceError> problem(ProblemException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return response.body(new InferenceError(e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<InferenceError> unreadable(HttpMessageNotReadableException e) {
        // a body over sentiment.classify.max-request-size, stopped while it was read (see RequestSizeLimitFilter)
        Optional<RequestTooLargeException> tooLarge = RequestTooLargeException.in(e);
        if (tooLarge.isPresent()) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(new InferenceError(tooLarge.get().getMessage()));
        }
        return ResponseEntity.badRequest().body(new InferenceError("the body is not a valid inference request "
                + "(a JSON object with \"inputs\"; unknown fields are refused)"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<InferenceError> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(new InferenceError("Content-Type must be application/json"));
    }

    /** Spring cannot read a body whose Content-Type is a wildcard pattern ({@code *}{@code /*}): the client's 415. */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<InferenceError> illegalArgument(IllegalArgumentException e, HttpServletRequest request) {
        String type = request.getContentType();
        if (type != null && type.contains("*")) {
            try {
                MediaType media = MediaType.parseMediaType(type);
                if (media.isWildcardType() || media.isWildcardSubtype()) {
                    return mediaType(null);
                }
            } catch (InvalidMediaTypeException notAMediaType) {
                // not the wildcard case: a fault of the service, as below
            }
        }
        return unexpected(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<InferenceError> unexpected(Exception e) {
        log.error("Inference request failed", e);
        return ResponseEntity.internalServerError().body(new InferenceError("internal error (logged)"));
    }
}
