package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.classification.OpenInferenceErrors.InferenceError;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.NoActiveModelException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.ControllerAdviceBean;

/**
 * The V2 error table, {@code {"error": "..."}} with the protocol's status codes, and its scope: the V2
 * controller only, ahead of the problem-detail advice. {@code OpenInferenceProtocolTest} checks the same
 * answers over HTTP.
 */
class OpenInferenceErrorsTest {

    private final OpenInferenceErrors errors = new OpenInferenceErrors();

    private static void answers(ResponseEntity<InferenceError> response, int status, String error) {
        assertThat(response.getStatusCode().value()).isEqualTo(status);
        assertThat(response.getBody()).isEqualTo(new InferenceError(error));
    }

    @Test
    void protocolRefusalsKeepTheirStatus() {
        answers(errors.protocolError(ProtocolException.notFound("model 'x' has one version")), 404,
                "model 'x' has one version");
        answers(errors.protocolError(ProtocolException.conflict("not ready")), 409, "not ready");
    }

    @Test
    void theServicesRefusalsKeepTheirStatusAndA503SaysWhenToRetry() {
        NoActiveModelException none = NoActiveModelException.create();
        ResponseEntity<InferenceError> response = errors.problem(none);
        answers(response, 503, none.getMessage());
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        ResponseEntity<InferenceError> notFound = errors.problem(ModelNotFoundException.forId("nope"));
        assertThat(notFound.getStatusCode().value()).isEqualTo(404);
        assertThat(notFound.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }

    @Test
    void anUnreadableBodyIsTheClients400() {
        answers(errors.unreadable(new HttpMessageNotReadableException("bad", new MockHttpInputMessage(new byte[0]))),
                400, "the body is not a valid inference request (a JSON object with \"inputs\"; unknown fields are refused)");
    }

    @Test
    void aWildcardContentTypeIs415AndAnyOtherIllegalArgumentA500() {
        MockHttpServletRequest wildcard = new MockHttpServletRequest();
        wildcard.setContentType("*/*");
        answers(errors.illegalArgument(new IllegalArgumentException("wildcard"), wildcard), 415,
                "Content-Type must be application/json");
        MockHttpServletRequest json = new MockHttpServletRequest();
        json.setContentType("application/json");
        answers(errors.illegalArgument(new IllegalArgumentException("a bug"), json), 500, "internal error (logged)");
        MockHttpServletRequest garbage = new MockHttpServletRequest();
        garbage.setContentType("*garbage");
        answers(errors.illegalArgument(new IllegalArgumentException("a bug"), garbage), 500, "internal error (logged)");
    }

    /** An advice for every controller, without an order, as the problem-detail one is. */
    @RestControllerAdvice
    static class Everywhere {
    }

    @Test
    void itAnswersForTheV2ControllerOnlyAndBeforeAnAdviceForEveryController() {
        // registered first, so that only the order puts the V2 advice ahead
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Everywhere.class,
                OpenInferenceErrors.class)) {
            List<ControllerAdviceBean> advices = ControllerAdviceBean.findAnnotatedBeans(context);
            assertThat(advices).extracting(ControllerAdviceBean::getBeanType)
                    .containsExactly(OpenInferenceErrors.class, Everywhere.class);
            assertThat(advices.get(0).isApplicableToBeanType(OpenInferenceController.class)).isTrue();
            assertThat(advices.get(0).isApplicableToBeanType(ClassificationController.class)).isFalse();
        }
    }
}
