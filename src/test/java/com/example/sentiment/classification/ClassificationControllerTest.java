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

import com.example.sentiment.ml.LongText;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.Calibration;
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
    void aLongTextsAnswerSaysHowManyWindowsWereReadAndTheRequestMayChooseHow() throws Exception {
        when(classification.classify(any(), any(), any())).thenReturn(ClassificationResult.of(MODEL,
                new Prediction("positive", 0.8, Map.of("negative", 0.2, "positive", 0.8), 300, false, -1, 7), (Double) null,
                null));
        post("/api/v1/classify", "{\"text\":\"a long review\",\"longText\":\"CHUNK\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.chunks").value(7))
                .andExpect(jsonPath("$.tokens").value(300))
                .andExpect(jsonPath("$.truncated").value(false));
        verify(classification).classify("a long review", null,
                new ClassificationService.Options(false, null, LongText.CHUNK));

        when(classification.classifyBatch(any(), any(), any()))
                .thenReturn(new BatchClassificationResult(MODEL, List.of(positive())));
        post("/api/v1/classify/batch", "{\"texts\":[\"a\"],\"longText\":\"truncate\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].chunks").value(1));
        verify(classification).classifyBatch(List.of("a"), null,
                new ClassificationService.Options(false, null, LongText.TRUNCATE));

        post("/api/v1/classify", "{\"text\":\"x\",\"longText\":\"sometimes\"}")
                .andExpect(invalidField("longText", "must be one of chunk, truncate"));
    }

    @Test
    void aMultiLabelAnswerListsItsLabelsLastAndASingleLabelOneHasNone() throws Exception {
        ClassificationResult multi = new ClassificationResult(MODEL, "urgent", 0.93,
                Map.of("billing", 0.81, "urgent", 0.93, "spam", 0.02), 5, false, false, null, 1, null, null,
                List.of("urgent", "billing"));
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
    void aPrecisionTargetAndAnAmbiguityMarginReachTheServiceAndTheReasonIsAnswered() throws Exception {
        Calibration.PrecisionThreshold target = new Calibration.PrecisionThreshold(0.95, 0.87, 0.951, 0.62, 0.99);
        when(classification.classify(any(), any(), any())).thenReturn(new ClassificationResult(MODEL, null, 0.8,
                Map.of("negative", 0.2, "positive", 0.8), 2, false, true, null, 1, "precision-target", target, null));
        post("/api/v1/classify", "{\"text\":\"fine\",\"targetPrecision\":0.95,\"ambiguityMargin\":0.1}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.abstained").value(true))
                .andExpect(jsonPath("$.label").doesNotExist())
                .andExpect(jsonPath("$.abstainedReason").value("precision-target"))
                .andExpect(jsonPath("$.precisionTarget.threshold").value(0.87))
                .andExpect(jsonPath("$.precisionTarget.coverage").value(0.62));
        verify(classification).classify("fine", null, new ClassificationService.Options(false, null, 0.95, 0.1));
        when(classification.classifyBatch(any(), any(), any()))
                .thenReturn(new BatchClassificationResult(MODEL, List.of(positive())));
        post("/api/v1/classify/batch", "{\"texts\":[\"a\"],\"ambiguityMargin\":0.2}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].abstainedReason").doesNotExist())
                .andExpect(jsonPath("$.results[0].precisionTarget").doesNotExist());
        verify(classification).classifyBatch(List.of("a"), null, new ClassificationService.Options(false, null, null, 0.2));
    }

    @Test
    void aPrecisionTargetOrMarginOutsideTheOpenUnitIntervalIs400BeforeTheServiceIsAsked() throws Exception {
        for (String bad : List.of("0", "1", "-0.1", "1.5")) {
            for (String field : List.of("targetPrecision", "ambiguityMargin")) {
                post("/api/v1/classify", "{\"text\":\"good\",\"" + field + "\":" + bad + "}")
                        .andExpect(invalidField(field, "must be greater than 0 and less than 1"));
                post("/api/v1/classify/batch", "{\"texts\":[\"good\"],\"" + field + "\":" + bad + "}")
                        .andExpect(invalidField(field, "must be greater than 0 and less than 1"));
            }
        }
        post("/api/v1/classify", "{\"text\":\"good\",\"targetPrecision\":\"high\"}")
                .andExpect(problem(400, "malformed-request"));
        verifyNoInteractions(classification);
    }

    @Test
    void aPrecisionTargetTheVersionCannotAnswerIs422() throws Exception {
        Calibration.PrecisionThreshold unreachable = new Calibration.PrecisionThreshold(0.99, null, null, 0, 0.93);
        when(classification.classify(eq("too high"), any(), any()))
                .thenThrow(PrecisionTargetException.unreachable(MODEL, unreachable));
        when(classification.classify(eq("old"), any(), any())).thenThrow(PrecisionTargetException.uncalibrated(MODEL));
        post("/api/v1/classify", "{\"text\":\"too high\",\"targetPrecision\":0.99}")
                .andExpect(problem(422, "precision-target-unavailable"))
                .andExpect(jsonPath("$.bestPrecision").value(0.93))
                .andExpect(jsonPath("$.detail").value(containsString("0.9300")));
        post("/api/v1/classify", "{\"text\":\"old\",\"targetPrecision\":0.9}")
                .andExpect(problem(422, "precision-target-unavailable"))
                .andExpect(jsonPath("$.detail").value(containsString("--calibrate")));
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
