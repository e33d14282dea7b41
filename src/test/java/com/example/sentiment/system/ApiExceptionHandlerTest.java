package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class ApiExceptionHandlerTest {

    @Test
    void anOutOfMemoryErrorThatReachesTheDispatcherIsA503ProblemNotA500() {
        ResponseEntity<ProblemDetail> answer = new ApiExceptionHandler().handleUnexpected(
                new ServletException("Handler dispatch failed", new OutOfMemoryError("Java heap space")));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(answer.getBody().getType()).isEqualTo(ProblemTypes.uri("insufficient-memory"));
        assertThat(answer.getBody().getDetail()).contains("ran out of memory").doesNotContain("Java heap space");
    }

    @Test
    void anyOtherUnexpectedFailureStaysA500WithoutItsMessage() {
        ResponseEntity<ProblemDetail> answer = new ApiExceptionHandler().handleUnexpected(new IllegalStateException("secret"));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getDetail()).doesNotContain("secret");
    }
}
