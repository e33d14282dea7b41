package com.example.sentiment.feedback;

import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.system.ControllerSlice;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** {@code /api/v1/feedback}'s contract, the service and store mocked: validation, statuses and problem types. */
@ControllerSlice(FeedbackController.class)
class FeedbackControllerTest {

    private static final String ID = "20261202-041500-123-8f3a1c2d";
    private static final Feedback STORED = new Feedback(ID, Instant.parse("2026-12-02T04:15:00.123Z"),
            "Not bad at all", "positive", "20261201-000000-aaaa", "negative");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    FeedbackService feedback;

    @MockitoBean
    FeedbackStore store;

    private ResultActions send(String body) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/v1/feedback")
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void aCorrectionIs201WithItsLocation() throws Exception {
        when(feedback.add(any())).thenReturn(STORED);
        send("{\"text\":\"Not bad at all\",\"label\":\"positive\",\"predictedLabel\":\"negative\"}")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/v1/feedback/" + ID))
                .andExpect(jsonPath("$.id").value(ID))
                .andExpect(jsonPath("$.createdAt").value("2026-12-02T04:15:00.123Z"));
        verify(feedback).add(new FeedbackService.Correction("Not bad at all", "positive", null, "negative", false));
    }

    @Test
    void aBadFieldIs400NamingItBeforeTheServiceIsAsked() throws Exception {
        send("{\"label\":\"positive\"}").andExpect(invalidField("text", "is required"));
        send("{\"text\":\"meh\"}").andExpect(invalidField("label", "is required"));
        send("{\"text\":\"meh\",\"label\":\"\"}").andExpect(invalidField("label", "must be 1 to 100 characters"));
        send("{\"text\":\"meh\",\"label\":\"" + "x".repeat(101) + "\"}")
                .andExpect(invalidField("label", "must be 1 to 100 characters"));
        for (String control : List.of("\\n", "\\t", "\\u2028")) {
            send("{\"text\":\"meh\",\"label\":\"neu" + control + "tral\",\"newLabel\":true}")
                    .andExpect(invalidField("label", "must not contain control characters such as line breaks or tabs"));
        }
        send("{\"text\":\"meh\",\"label\":\"positive\",\"predictedLabel\":\"" + "x".repeat(101) + "\"}")
                .andExpect(invalidField("predictedLabel", "must be at most 100 characters"));
        send("{\"text\":\"x\",\"label\":\"positive\",\"extra\":1}").andExpect(problem(400, "malformed-request"));
        send("{\"text\":\"x\",\"label\":\"positive\",\"newLabel\":\"yes\"}").andExpect(problem(400, "malformed-request"));
        verifyNoInteractions(feedback);
    }

    @Test
    void theServicesRefusalsKeepTheirStatusAndType() throws Exception {
        when(feedback.add(any()))
                .thenThrow(BadRequestException.forField("label", "must be one of negative, positive"))
                .thenThrow(ModelNotFoundException.forId("20200101-000000-0000"))
                .thenThrow(FeedbackStoreFullException.entries(15))
                .thenThrow(new FeedbackStoreUnavailableException());
        String body = "{\"text\":\"meh\",\"label\":\"neutral\"}";
        send(body).andExpect(invalidField("label", "must be one of negative, positive"));
        send(body).andExpect(problem(404, "model-not-found"));
        send(body).andExpect(problem(413, "feedback-store-full"))
                .andExpect(jsonPath("$.detail").value(containsString("sentiment.feedback.max-entries")));
        send(body).andExpect(problem(503, "feedback-store-unavailable"));
    }

    @Test
    void theListIsPagedWithinItsBounds() throws Exception {
        when(store.page(1, 5, "m")).thenReturn(new FeedbackPage(List.of(STORED), 1, 5, 6));
        mvc.perform(get("/api/v1/feedback").param("page", "1").param("size", "5").param("modelId", "m"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(6))
                .andExpect(jsonPath("$.items[0].id").value(ID));
        mvc.perform(get("/api/v1/feedback").param("size", "0")).andExpect(invalidField("size", "must be at least 1"));
        mvc.perform(get("/api/v1/feedback").param("size", "201")).andExpect(invalidField("size", "must be at most 200"));
        mvc.perform(get("/api/v1/feedback").param("page", "-1")).andExpect(invalidField("page", "must be at least 0"));
        mvc.perform(get("/api/v1/feedback").param("page", "first")).andExpect(problem(400, "invalid-request"));
        verify(store).page(anyInt(), anyInt(), any());
    }

    @Test
    void aCorrectionIsShownOrDeletedAndAnUnknownOneIs404() throws Exception {
        when(store.find(ID)).thenReturn(Optional.of(STORED));
        when(store.find("nope")).thenReturn(Optional.empty());
        when(store.delete(ID)).thenReturn(true);
        when(store.delete("gone")).thenReturn(false);
        when(store.delete("disk")).thenThrow(new IOException("/data/feedback: No space left on device"));

        mvc.perform(get("/api/v1/feedback/" + ID)).andExpect(status().isOk())
                .andExpect(jsonPath("$.text").value("Not bad at all"));
        mvc.perform(get("/api/v1/feedback/nope")).andExpect(problem(404, "feedback-not-found"))
                .andExpect(jsonPath("$.detail").value(containsString("'nope'")));
        mvc.perform(delete("/api/v1/feedback/" + ID)).andExpect(status().isNoContent());
        mvc.perform(delete("/api/v1/feedback/gone")).andExpect(problem(404, "feedback-not-found"));
        mvc.perform(delete("/api/v1/feedback/disk")).andExpect(problem(503, "feedback-store-unavailable"))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("/data/feedback"))));
    }

    @Test
    void theExportIsCsvAsTheStoreHandsItOver() throws Exception {
        doAnswer(call -> {
            FeedbackStore.Visitor visitor = call.getArgument(1);
            visitor.visit(STORED);
            visitor.visit(new Feedback("x", Instant.now(), "=1+1", "negative", null, null));
            return null;
        }).when(store).forEach(any(), any());
        mvc.perform(get("/api/v1/feedback/export"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("text/csv"))
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"feedback.csv\""))
                .andExpect(content().string("text,label\r\nNot bad at all,positive\r\n\"'=1+1\",negative\r\n"));
    }
}
