package com.example.sentiment.system;

import java.util.List;
import org.springframework.http.HttpStatus;

/** A request the service refuses as malformed or out of its limits, naming the offending field. */
public class BadRequestException extends ProblemException {

    private BadRequestException(String detail) {
        super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    }

    public static BadRequestException forField(String field, String message) {
        BadRequestException e = new BadRequestException(field + ": " + message);
        e.with("errors", List.of(new FieldError(field, message)));
        return e;
    }

    public static BadRequestException forFields(List<FieldError> errors) {
        StringBuilder detail = new StringBuilder();
        for (FieldError error : errors) {
            if (!detail.isEmpty()) {
                detail.append("; ");
            }
            detail.append(error.field()).append(": ").append(error.message());
        }
        BadRequestException e = new BadRequestException(detail.toString());
        e.with("errors", errors);
        return e;
    }

    /** One invalid field and why. */
    public record FieldError(String field, String message) {
    }
}
