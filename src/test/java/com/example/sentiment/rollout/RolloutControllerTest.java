package com.example.sentiment.rollout;

import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.system.ControllerSlice;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The rollout endpoints' contract, the services mocked: validation before any service is asked, statuses, types. */
@ControllerSlice(RolloutController.class)
class RolloutControllerTest {

    private static final String ID = "20261202-101500-7f3a";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Rollouts rollouts;

    @MockitoBean
    ShadowComparison shadows;

    @MockitoBean
    CanaryWindows windows;

    private ResultActions putJson(String path, String body) throws Exception {
        return mvc.perform(put(path).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void aShadowIsSetWithAValidRate() throws Exception {
        when(rollouts.setShadow(ID, 0.25)).thenReturn(new RolloutState.Shadow(ID, 0.25, Instant.EPOCH));
        putJson("/api/v1/models/shadow", "{\"modelId\":\"" + ID + "\",\"sampleRate\":0.25}")
                .andExpect(status().isOk()).andExpect(jsonPath("$.modelId").value(ID))
                .andExpect(jsonPath("$.sampleRate").value(0.25));
        verify(rollouts).setShadow(ID, 0.25);
    }

    @Test
    void theOverviewIs200WithNothingWhereShadowAndCanaryAre404() throws Exception {
        when(rollouts.state()).thenReturn(RolloutState.EMPTY);
        mvc.perform(get("/api/v1/models/rollout")).andExpect(status().isOk())
                .andExpect(jsonPath("$.canary").isEmpty()).andExpect(jsonPath("$.shadow").isEmpty());
        mvc.perform(get("/api/v1/models/shadow/report")).andExpect(problem(404, "no-shadow"));
        mvc.perform(get("/api/v1/models/canary")).andExpect(problem(404, "no-canary"));

        RolloutState.Shadow shadow = new RolloutState.Shadow(ID, 0.25, Instant.EPOCH);
        when(rollouts.state()).thenReturn(new RolloutState(shadow, null, java.util.List.of()));
        when(shadows.report(shadow)).thenReturn(null);
        mvc.perform(get("/api/v1/models/rollout")).andExpect(status().isOk());
        verify(shadows).report(shadow);
    }

    @Test
    void aBadShadowRequestIs400BeforeTheServiceIsAsked() throws Exception {
        putJson("/api/v1/models/shadow", "{\"modelId\":\"" + ID + "\",\"sampleRate\":1.5}")
                .andExpect(invalidField("sampleRate", "must be between 0 and 1"));
        putJson("/api/v1/models/shadow", "{\"modelId\":\"" + ID + "\"}")
                .andExpect(invalidField("sampleRate", "is required"));
        putJson("/api/v1/models/shadow", "{\"modelId\":\" \",\"sampleRate\":0.5}")
                .andExpect(invalidField("modelId", "must name a model version"));
        putJson("/api/v1/models/shadow", "{\"modelId\":").andExpect(status().isBadRequest());
        verifyNoInteractions(rollouts);
    }

    @Test
    void anUnknownVersionIs404() throws Exception {
        when(rollouts.setShadow(anyString(), anyDouble())).thenThrow(ModelNotFoundException.forId("nope"));
        putJson("/api/v1/models/shadow", "{\"modelId\":\"nope\",\"sampleRate\":0.5}")
                .andExpect(problem(404, "model-not-found"));
    }

    @Test
    void noShadowOrCanaryIs404WithItsType() throws Exception {
        when(rollouts.state()).thenReturn(RolloutState.EMPTY);
        mvc.perform(get("/api/v1/models/shadow")).andExpect(problem(404, "no-shadow"));
        mvc.perform(get("/api/v1/models/shadow/report")).andExpect(problem(404, "no-shadow"));
        mvc.perform(get("/api/v1/models/canary")).andExpect(problem(404, "no-canary"));
        when(rollouts.promote()).thenThrow(RolloutProblemException.noCanary());
        mvc.perform(post("/api/v1/models/canary/promote")).andExpect(problem(404, "no-canary"));
    }

    @Test
    void aBadCanaryRequestIs400BeforeTheServiceIsAsked() throws Exception {
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\",\"percent\":101}")
                .andExpect(invalidField("percent", "must be between 0 and 100"));
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\"}")
                .andExpect(invalidField("percent", "is required"));
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\",\"percent\":10,\"guards\":{\"minSample\":0}}")
                .andExpect(invalidField("guards.minSample", "must be between 1 and 100000"));
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\",\"percent\":10,"
                + "\"guards\":{\"maxP99LatencyRatio\":0.5}}")
                .andExpect(invalidField("guards.maxP99LatencyRatio", "must be at least 1"));
        verifyNoInteractions(rollouts);
    }

    @Test
    void aCanaryStartsWithTheDefaultsForOmittedGuards() throws Exception {
        RolloutState.Guards expected = new RolloutState.Guards(0.2, 2.0, 0.10, 0.10, 100, 60);
        RolloutState.Canary canary = new RolloutState.Canary(ID, 10, expected, RolloutState.CanaryState.RUNNING,
                null, Instant.EPOCH, null);
        when(rollouts.state()).thenReturn(RolloutState.EMPTY.withCanary(canary));
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\",\"percent\":10,"
                + "\"guards\":{\"maxErrorRateIncrease\":0.2}}")
                .andExpect(status().isOk()).andExpect(jsonPath("$.canary.state").value("RUNNING"));
        verify(rollouts).startCanary(ID, 10, expected);
    }

    @Test
    void theActiveVersionAsCanaryIs409() throws Exception {
        when(rollouts.startCanary(anyString(), anyInt(), any()))
                .thenThrow(RolloutProblemException.conflict("Version " + ID + " is the active version."));
        putJson("/api/v1/models/canary", "{\"modelId\":\"" + ID + "\",\"percent\":10}")
                .andExpect(problem(409, "rollout-conflict"));
    }
}
