package com.example.sentiment.classificationjob;

import com.example.sentiment.system.ProblemException;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The uploaded file cannot be classified as it is: 422 {@code invalid-classification-input}, with up to ten
 * problems and their line numbers in {@code errors}.
 */
class InvalidJobInputException extends ProblemException {

    private InvalidJobInputException(String detail) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-classification-input", "The file cannot be classified", detail);
    }

    static InvalidJobInputException of(String problem) {
        return new InvalidJobInputException("The uploaded file cannot be classified: " + problem + ".");
    }

    static InvalidJobInputException ofLines(List<String> problems, long more) {
        InvalidJobInputException e = new InvalidJobInputException("The uploaded file has rows that cannot be "
                + "classified" + (more > 0 ? " (" + more + " more not listed)" : "") + "; fix them and upload it again.");
        e.with("errors", problems);
        return e;
    }
}
