package com.example.sentiment.system;

import jakarta.servlet.http.HttpServletRequest;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure into an {@code application/problem+json} answer with a stable {@code type}, a clear
 * {@code detail} and never a stack trace. Client mistakes are 4xx; only real faults are 500, and those are
 * logged here with their stack trace and answered without it.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> handleProblem(ProblemException e) {
        if (e.status().is5xxServerError() && e.getCause() != null) {
            // the client's detail is a stable sentence; the cause (paths, the object store's address) is the log's
            log.warn("{}: {} ({})", e.title(), e.getMessage(), e.getCause().toString());
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setType(e.type());
        problem.setTitle(e.title());
        e.properties().forEach(problem::setProperty);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return response.body(problem);
    }

    /**
     * A database that cannot be reached (the shared PostgreSQL one, restarting or
     * out of reach): 503 with Retry-After, and normal answers again as soon as it is back.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> handleDatabaseUnavailable(Exception e) {
        log.warn("Database unavailable: {}", e.getMessage());
        return retryLater("database-unavailable", "Database unavailable",
                "The service's database cannot be reached right now; try again in a few seconds.");
    }

    /**
     * A multipart body Tomcat cannot parse (no or a wrong boundary, cut off, a part without headers) is the
     * client's mistake. Only an I/O failure from outside the parser, such as a full disk under the spooled
     * upload, is the service's: 503, so that the client retries rather than "fixes" a correct request.
     * (An upload over the size limits is {@link MaxUploadSizeExceededException}, answered 413 by the base class.)
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> handleMalformedMultipart(MultipartException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && !isParserOrClientFailure(cause)) {
                log.warn("Could not store an upload: {}", cause.toString());
                return retryLater("upload-storage-unavailable", "Upload could not be stored",
                        "The service could not store the uploaded file; try again later.");
            }
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the body is not valid multipart/form-data (a boundary in the Content-Type that the body uses, "
                        + "parts with a Content-Disposition header and a name, and a closing boundary)");
        problem.setType(ProblemTypes.uri("malformed-request"));
        problem.setTitle("Malformed multipart body");
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * Tomcat refuses a query string (or form body) it cannot decode, such as {@code ?a=%C0%AE} (not UTF-8) or a
     * lone {@code =}, when a handler first asks for a parameter. Its message quotes the corrupted value, so the
     * answer says what is wrong in general.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> handleUndecodableParameters(InvalidParameterException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the query string cannot be decoded: every parameter must be name=value, percent-encoded UTF-8");
        problem.setType(ProblemTypes.uri("malformed-request"));
        problem.setTitle("Malformed query string");
        return ResponseEntity.badRequest().body(problem);
    }

    /** Tomcat's multipart parser's own exceptions, and a client that hung up or sent less than it announced. */
    private static boolean isParserOrClientFailure(Throwable e) {
        return e.getClass().getName().startsWith("org.apache.tomcat.util.http.fileupload.")
                || e instanceof EOFException || e.getClass().getSimpleName().equals("ClientAbortException");
    }

    /**
     * Spring refuses to expose a request {@code Content-Type} with a wildcard ({@code *}{@code /*},
     * {@code application/*}) with an IllegalArgumentException when a handler without {@code consumes} reads the
     * body: that is the client's mistake, 415. Any other IllegalArgumentException is a fault of the service.
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> handleIllegalArgument(IllegalArgumentException e, HttpServletRequest request) {
        if (hasWildcardContentType(request)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type '" + ProblemException.printable(request.getContentType())
                            + "' is a pattern, not a media type; send application/json");
            problem.setType(ProblemTypes.uri("unsupported-media-type"));
            problem.setTitle("Unsupported Media Type");
            return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(problem);
        }
        return handleUnexpected(e);
    }

    /** Whether the request's Content-Type is a wildcard pattern, which Spring cannot hand to a message converter. */
    static boolean hasWildcardContentType(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.contains("*")) {
            return false;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return media.isWildcardType() || media.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> handleUnexpected(Exception e) {
        Optional<RequestTooLargeException> tooLarge = RequestTooLargeException.in(e);
        if (tooLarge.isPresent()) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge.get()));
        }
        // the dispatcher wraps an Error thrown by a handler in a ServletException
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                return outOfMemory(cause);
            }
        }
        log.error("Unexpected failure", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The service failed to handle this request; the failure has been logged.");
        problem.setType(ProblemTypes.uri("internal-error"));
        return ResponseEntity.internalServerError().body(problem);
    }

    /**
     * Memory ran out while this request was handled. What it allocated is unreachable once it is answered, so
     * the service carries on; the client may retry, or send less at once.
     */
    private static ResponseEntity<ProblemDetail> outOfMemory(Throwable e) {
        log.error("Ran out of memory while handling a request: {}", e.getMessage());
        return retryLater("insufficient-memory", "Not enough memory",
                "The service ran out of memory while handling this request; retry later, or send less at once.");
    }

    private static ProblemDetail tooLarge(RequestTooLargeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        problem.setType(ProblemTypes.uri("payload-too-large"));
        problem.setTitle("Payload too large");
        return problem;
    }

    /** A 503 the client can retry after a few seconds: the condition is the service's, not the request's. */
    private static ResponseEntity<ProblemDetail> retryLater(String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setType(ProblemTypes.uri(type));
        problem.setTitle(title);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<BadRequestException.FieldError> errors = new ArrayList<>();
        ex.getBindingResult().getFieldErrors().forEach(fe -> errors.add(
                new BadRequestException.FieldError(fe.getField(), fe.getDefaultMessage())));
        ex.getBindingResult().getGlobalErrors().forEach(ge -> errors.add(
                new BadRequestException.FieldError(ge.getObjectName(), ge.getDefaultMessage())));
        return handleProblem(BadRequestException.forFields(errors));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<BadRequestException.FieldError> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                errors.add(new BadRequestException.FieldError(result.getMethodParameter().getParameterName(),
                        error.getDefaultMessage()))));
        return handleProblem(BadRequestException.forFields(errors));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Optional<RequestTooLargeException> tooLarge = RequestTooLargeException.in(ex);
        if (tooLarge.isPresent()) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge.get()));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, readableReason(ex));
        problem.setType(ProblemTypes.uri("malformed-request"));
        problem.setTitle("Malformed request body");
        return ResponseEntity.badRequest().body(problem);
    }

    /** Gives the framework's own problem details (415, 405, 413, 404 ...) our stable types. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        if (body instanceof ProblemDetail problem && (problem.getType() == null
                || URI.create("about:blank").equals(problem.getType()))) {
            problem.setType(ProblemTypes.uri(slugFor(statusCode)));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static String slugFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "invalid-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status.value();
        };
    }

    private static String readableReason(HttpMessageNotReadableException ex) {
        Throwable cause = ex.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return "field '" + path(mismatch) + "' has the wrong type or value";
        }
        if (cause instanceof JacksonException jackson) {
            // Jackson's own words name the problem (a duplicate property, an invalid UTF-8 byte, nesting too
            // deep); the location says where; neither carries a stack trace
            String reason = jackson.getOriginalMessage() == null ? "" : jackson.getOriginalMessage().lines().findFirst().orElse("");
            if (reason.length() > 200) {
                reason = reason.substring(0, 200) + "...";
            }
            String where = jackson.getLocation() == null || jackson.getLocation().getLineNr() < 0 ? ""
                    : " (line " + jackson.getLocation().getLineNr() + ", column " + jackson.getLocation().getColumnNr() + ")";
            return reason.isEmpty() ? "the body is not valid JSON" : "the body is not valid JSON: " + reason + where;
        }
        return "the request body is missing or cannot be read";
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
