package com.example.sentiment.system;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;

/** What a problem-detail answer must be, for the controller slices. */
public final class Problems {

    private Problems() {
    }

    /**
     * The status, {@code application/problem+json}, the type {@code ProblemTypes.BASE + slug}, a detail, and no
     * exception's name; a 503 also says when to retry.
     */
    public static ResultMatcher problem(int status, String slug) {
        return all(status().is(status),
                content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON),
                jsonPath("$.type").value(ProblemTypes.BASE + slug),
                jsonPath("$.detail").isNotEmpty(),
                content().string(not(containsString("Exception"))),
                status == 503 ? header().exists(HttpHeaders.RETRY_AFTER) : result -> { });
    }

    private static ResultMatcher all(ResultMatcher... matchers) {
        return result -> {
            for (ResultMatcher matcher : matchers) {
                matcher.match(result);
            }
        };
    }

    /** A 400 {@code invalid-request} whose first error names the field and says why. */
    public static ResultMatcher invalidField(String field, String message) {
        return all(problem(400, "invalid-request"),
                jsonPath("$.errors[0].field").value(field),
                jsonPath("$.errors[0].message").value(message));
    }
}
