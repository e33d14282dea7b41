package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.NoActiveModelException;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.system.ControllerSlice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** {@code /api/v1/classify}'s contract, the service mocked: what reaches it, and how its refusals are answered. */
@ControllerSlice(ClassificationController.class)
class ClassificationControllerTest {

    private static final String MODEL = "20261201-000000-aaaa";
    private static final String THRESHOLD_RANGE = "must be greater than 0 and at most 1";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ClassificationService classification;

    private ResultActions post(String path, String body) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private static ClassificationResult positive() {
        return new ClassificationResult(MODEL, "positive", 0.9, Map.of("negative", 0.1, "positive", 0.9), 2, false,
                false, null);
    }

    @Test
    void aTextIsClassifiedWithTheOptionsAsked() throws Exception {
        when(classification.classify(any(), any(), any())).thenReturn(positive());
        post("/api/v1/classify", "{\"text\":\"great film\",\"modelId\":\"" + MODEL + "\",\"explain\":true,"
                + "\"minConfidence\":0.5}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.modelId").value(MODEL))
                .andExpect(jsonPath("$.label").value("positive"))
                .andExpect(jsonPath("$.scores.negative").value(0.1))
                .andExpect(jsonPath("$.abstained").value(false))
                .andExpect(jsonPath("$.explanation").doesNotExist());
        verify(classification).classify("great film", MODEL, new ClassificationService.Options(true, 0.5));
    }

    @Test
    void aMultiLabelAnswerListsItsLabelsLastAndASingleLabelOneHasNone() throws Exception {
        ClassificationResult multi = new ClassificationResult(MODEL, "urgent", 0.93,
                Map.of("billing", 0.81, "urgent", 0.93, "spam", 0.02), 5, false, false, null, List.of("urgent", "billing"));
        when(classification.classify(any(), any(), any())).thenReturn(multi);
        String body = post("/api/v1/classify", "{\"text\":\"refund me now\",\"explain\":true,"
                + "\"explainLabel\":\"billing\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.label").value("urgent"))
                .andExpect(jsonPath("$.scores.billing").value(0.81))
                .andExpect(jsonPath("$.labels[0]").value("urgent"))
                .andExpect(jsonPath("$.labels[1]").value("billing"))
                .andReturn().getResponse().getContentAsString();
        // added at the end of the answer, after every field a single-label client reads
        assertThat(body.indexOf("\"labels\"")).isGreaterThan(body.indexOf("\"abstained\""));
        verify(classification).classify("refund me now", null, new ClassificationService.Options(true, null, "billing"));

        when(classification.classify(any(), any(), any())).thenReturn(positive());
        post("/api/v1/classify", "{\"text\":\"great film\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.labels").doesNotExist());
    }

    @Test
    void aBatchIsClassifiedInTheOrderOfItsTexts() throws Exception {
        when(classification.classifyBatch(any(), any(), any()))
                .thenReturn(new BatchClassificationResult(MODEL, List.of(positive(), positive())));
        post("/api/v1/classify/batch", "{\"texts\":[\"a\",\"b\"]}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.modelId").value(MODEL))
                .andExpect(jsonPath("$.results.length()").value(2));
        verify(classification).classifyBatch(List.of("a", "b"), null, ClassificationService.Options.PLAIN);
    }

    @Test
    void aMissingTextOrTextsIs400NamingTheField() throws Exception {
        post("/api/v1/classify", "{}").andExpect(invalidField("text", "is required"));
        post("/api/v1/classify/batch", "{\"modelId\":\"x\"}").andExpect(invalidField("texts", "is required"));
        verifyNoInteractions(classification);
    }

    @Test
    void aThresholdOutsideZeroToOneIs400BeforeTheServiceIsAsked() throws Exception {
        for (String bad : List.of("0", "-0.5", "1.0001", "2")) {
            post("/api/v1/classify", "{\"text\":\"good\",\"minConfidence\":" + bad + "}")
                    .andExpect(invalidField("minConfidence", THRESHOLD_RANGE));
            post("/api/v1/classify/batch", "{\"texts\":[\"good\"],\"minConfidence\":" + bad + "}")
                    .andExpect(invalidField("minConfidence", THRESHOLD_RANGE));
        }
        verifyNoInteractions(classification);
    }

    @Test
    void malformedJsonIs400MalformedRequest() throws Exception {
        post("/api/v1/classify", "{\"text\": \"unterminated").andExpect(problem(400, "malformed-request"));
        post("/api/v1/classify", "{\"text\": 5}").andExpect(problem(400, "malformed-request"))
                .andExpect(jsonPath("$.detail").value(containsString("text")));
        post("/api/v1/classify", "{\"text\":\"ok\",\"surprise\":1}").andExpect(problem(400, "malformed-request"))
                .andExpect(jsonPath("$.detail").value(containsString("surprise")));
        post("/api/v1/classify", "{\"text\":\"ok\",\"text\":\"again\"}").andExpect(problem(400, "malformed-request"));
        post("/api/v1/classify", "{\"text\":\"ok\"} trailing").andExpect(problem(400, "malformed-request"));
        post("/api/v1/classify/batch", "{\"texts\":\"x\"}").andExpect(problem(400, "malformed-request"));
        verifyNoInteractions(classification);
    }

    @Test
    void anotherContentTypeIs415AndAnotherMethod405() throws Exception {
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/v1/classify")
                        .contentType(MediaType.TEXT_PLAIN).content("great"))
                .andExpect(problem(415, "unsupported-media-type"));
        mvc.perform(get("/api/v1/classify")).andExpect(problem(405, "method-not-allowed"));
    }

    @Test
    void theServicesRefusalsKeepTheirStatusAndType() throws Exception {
        when(classification.classify(eq("blank"), any(), any()))
                .thenThrow(BadRequestException.forField("text", "must not be blank"));
        when(classification.classify(eq("unknown"), any(), any())).thenThrow(ModelNotFoundException.forId("nope"));
        when(classification.classify(eq("no model"), any(), any())).thenThrow(NoActiveModelException.create());
        when(classification.classify(eq("busy"), any(), any())).thenThrow(ServiceBusyException.queueFull(2048));
        when(classification.classify(eq("failed"), any(), any())).thenThrow(new IllegalStateException("boom"));

        post("/api/v1/classify", "{\"text\":\"blank\"}").andExpect(invalidField("text", "must not be blank"));
        post("/api/v1/classify", "{\"text\":\"unknown\"}").andExpect(problem(404, "model-not-found"))
                .andExpect(jsonPath("$.detail").value(containsString("'nope'")));
        post("/api/v1/classify", "{\"text\":\"no model\"}").andExpect(problem(503, "no-active-model"))
                .andExpect(jsonPath("$.detail").value(containsString("POST /api/v1/training-jobs")));
        post("/api/v1/classify", "{\"text\":\"busy\"}").andExpect(problem(503, "service-busy"));
        post("/api/v1/classify", "{\"text\":\"failed\"}").andExpect(problem(500, "internal-error"))
                .andExpect(jsonPath("$.detail").value(containsString("has been logged")));
    }
}
