package com.example.sentiment.dataset;

import com.example.sentiment.system.ProblemException;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The uploaded training data cannot be used: 422 {@code invalid-dataset}. {@code errors} lists every problem found
 * as {@code {part, line, message}} objects ({@code line} only for a problem of one row), the same shape as a 400's
 * {@code {field, message}}, so that a client reads one list of objects whichever the status; {@code detail} says
 * it all in one sentence.
 */
public class InvalidDatasetException extends ProblemException {

    private InvalidDatasetException(String part, List<DatasetError> errors) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-dataset", "Invalid training data",
                "The '" + part + "' file cannot be used for training: "
                        + String.join("; ", errors.stream().map(DatasetError::text).toList()));
        with("part", part);
        with("errors", errors);
    }

    /** Problems of the file as a whole (no line). */
    static InvalidDatasetException of(String part, List<String> errors) {
        return new InvalidDatasetException(part, errors.stream().map(e -> new DatasetError(part, null, e)).toList());
    }

    static InvalidDatasetException of(String part, String error) {
        return of(part, List.of(error));
    }

    /** Problems found in the file, of rows or of the whole. */
    static InvalidDatasetException withErrors(String part, List<DatasetError> errors) {
        return new InvalidDatasetException(part, errors);
    }

    /**
     * One problem of an uploaded file.
     *
     * @param part the multipart part the file came in: {@code data} or {@code validation}
     * @param line the line (from 1, the header included) where the row starts; absent for a problem of the file
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatasetError(String part, Integer line, String message) {

        /** As the problem's {@code detail} says it: {@code line 3: expected 2 fields, found 3}. */
        String text() {
            return line == null ? message : "line " + line + ": " + message;
        }
    }
}
