package com.example.sentiment.training;

import com.example.sentiment.system.ProblemException;
import java.util.List;
import org.springframework.http.HttpStatus;

/** The uploaded training data cannot be used; {@code errors} lists every problem found, with line numbers. */
public class InvalidDatasetException extends ProblemException {

    private InvalidDatasetException(String part, List<String> errors) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-dataset", "Invalid training data",
                "The '" + part + "' file cannot be used for training: " + String.join("; ", errors));
        with("part", part);
        with("errors", errors);
    }

    public static InvalidDatasetException of(String part, List<String> errors) {
        return new InvalidDatasetException(part, errors);
    }

    public static InvalidDatasetException of(String part, String error) {
        return new InvalidDatasetException(part, List.of(error));
    }
}
