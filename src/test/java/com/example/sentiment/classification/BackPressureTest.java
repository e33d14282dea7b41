package com.example.sentiment.classification;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.FullContext;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A full classification queue reaches the client as 503 service-busy with Retry-After, at once; a failed or
 * timed-out inference as 503 too, in the problem form under {@code /api/v1} and the protocol's under {@code /v2};
 * and the inference workers are part of liveness.
 */
@MockitoBean(types = ModelService.class) // autowired as modelService
class BackPressureTest extends FullContext {

    @MockitoBean
    ClassificationService classification;

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        when(classification.classify(any(), any(), any())).thenThrow(ServiceBusyException.queueFull(2048));
        mvc.perform(post("/api/v1/classify").contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"great\"}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(containsString("service-busy")))
                .andExpect(jsonPath("$.detail").value(containsString("2048 texts waiting")));
    }

    @Test
    void livenessCountsTheInferenceWorkers() throws Exception {
        mvc.perform(get("/actuator/health/liveness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.components.inferenceWorkers.status").value("UP"));
    }

    @Test
    void aFailedOrTimedOutInferenceAnswers503WithRetryAfterAndNoInternals() throws Exception {
        when(classification.classify(any(), any(), any())).thenThrow(InferenceUnavailableException.failed());
        mvc.perform(post("/api/v1/classify").contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"great\"}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(containsString("/inference-failed")))
                .andExpect(jsonPath("$.detail").value(not(containsString("OutOfMemory"))));

        when(classification.classifyBatch(any(), any(), any()))
                .thenThrow(InferenceUnavailableException.timedOut(Duration.ofSeconds(30)));
        mvc.perform(post("/api/v1/classify/batch").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"texts\":[\"great\"]}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.type").value(containsString("/inference-timeout")))
                .andExpect(jsonPath("$.detail").value(containsString("within 30 s")));

        // the Open Inference Protocol's own error form
        String id = "20261201-000000-aaaa";
        when(modelService.get(id)).thenReturn(new StoredModel(id, null, null));
        when(classification.infer(any(), any(), any())).thenThrow(InferenceUnavailableException.failed());
        mvc.perform(post("/v2/models/" + id + "/infer").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\","
                                + "\"data\":[\"great\"]}]}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.error").value(containsString("failed to classify")))
                .andExpect(jsonPath("$.type").doesNotExist());
    }
}
