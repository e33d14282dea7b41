package com.example.sentiment.model;

import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.TinyModel;
import com.example.sentiment.system.ControllerSlice;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** {@code /api/v1/models}' contract, the model service mocked: what reaches it, and how its refusals are answered. */
@ControllerSlice(ModelController.class)
class ModelControllerTest {

    private static final String ACTIVE = "20261201-000000-aaaa";
    private static final String BROKEN = "20261130-000000-bbbb";
    private static final String THRESHOLD_RANGE = "must be greater than 0 and at most 1";

    @Autowired
    MockMvc mvc;

    @Autowired
    ModelService models;

    @MockitoBean
    VersionInUse rollout;

    private ModelMetadata metadata;

    @BeforeEach
    void twoStoredVersionsOneActive() {
        metadata = new ModelMetadata(null, "tiny", Instant.parse("2026-12-01T00:00:00Z"), null, TinyModel.LABELS,
                TinyModel.hyperParameters(1), 10, null, 100, null, null, List.of(), 1, 1.0, null, null, null);
        StoredModel active = new StoredModel(ACTIVE, metadata, null);
        StoredModel broken = new StoredModel(BROKEN, null, "model.bin is missing");
        when(models.list()).thenReturn(List.of(active, broken));
        when(models.get(ACTIVE)).thenReturn(active);
        when(models.get(BROKEN)).thenReturn(broken);
        when(models.get("nope")).thenThrow(ModelNotFoundException.forId("nope"));
        when(models.active()).thenReturn(Optional.of(new ModelService.LoadedModel(ACTIVE, metadata, null)));
    }

    private ResultActions putJson(String path, String body) throws Exception {
        return mvc.perform(put(path).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void theListMarksTheActiveVersionAndTheUnusableOnesWithTheirReason() throws Exception {
        mvc.perform(get("/api/v1/models")).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[0].id").value(ACTIVE))
                .andExpect(jsonPath("$[0].name").value("tiny"))
                .andExpect(jsonPath("$[0].active").value(true))
                .andExpect(jsonPath("$[0].usable").value(true))
                .andExpect(jsonPath("$[1].active").value(false))
                .andExpect(jsonPath("$[1].usable").value(false))
                .andExpect(jsonPath("$[1].problem").value("model.bin is missing"));
    }

    @Test
    void aVersionIsShownInFullAndAnUnknownOneIs404() throws Exception {
        mvc.perform(get("/api/v1/models/" + ACTIVE)).andExpect(status().isOk())
                .andExpect(jsonPath("$.active").value(true))
                .andExpect(jsonPath("$.labels[1]").value("positive"))
                .andExpect(jsonPath("$.vocabularySize").value(10));
        mvc.perform(get("/api/v1/models/" + BROKEN)).andExpect(status().isOk())
                .andExpect(jsonPath("$.usable").value(false))
                .andExpect(jsonPath("$.name").doesNotExist());
        mvc.perform(get("/api/v1/models/nope")).andExpect(problem(404, "model-not-found"))
                .andExpect(jsonPath("$.detail").value(containsString("GET /api/v1/models")));
    }

    @Test
    void activationNeedsAVersionIdAndAnswersItsSummary() throws Exception {
        when(models.activate(ACTIVE)).thenReturn(new ModelService.LoadedModel(ACTIVE, metadata, null));
        putJson("/api/v1/models/active", "{\"modelId\":\"" + ACTIVE + "\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(ACTIVE))
                .andExpect(jsonPath("$.active").value(true));
        putJson("/api/v1/models/active", "{\"modelId\":\" \"}")
                .andExpect(invalidField("modelId", "must name a model version"));
        putJson("/api/v1/models/active", "{}").andExpect(invalidField("modelId", "must name a model version"));
        putJson("/api/v1/models/active", "{\"modelId\":7}").andExpect(problem(400, "malformed-request"));

        when(models.activate(BROKEN)).thenThrow(ModelConflictException.unusable(BROKEN, "model.bin is missing"));
        putJson("/api/v1/models/active", "{\"modelId\":\"" + BROKEN + "\"}").andExpect(problem(409, "model-conflict"))
                .andExpect(jsonPath("$.detail").value(containsString("model.bin is missing")));
        when(models.activate("nope")).thenThrow(ModelNotFoundException.forId("nope"));
        putJson("/api/v1/models/active", "{\"modelId\":\"nope\"}").andExpect(problem(404, "model-not-found"));
    }

    @Test
    void aThresholdOutsideZeroToOneIs400BeforeTheServiceIsAsked() throws Exception {
        for (String bad : List.of("0", "-0.5", "1.0001")) {
            putJson("/api/v1/models/" + ACTIVE + "/settings", "{\"minConfidence\":" + bad + "}")
                    .andExpect(invalidField("minConfidence", THRESHOLD_RANGE));
        }
        putJson("/api/v1/models/" + ACTIVE + "/settings", "{\"minConfidence\":\"high\"}")
                .andExpect(problem(400, "malformed-request"));
        putJson("/api/v1/models/" + ACTIVE + "/settings", "{\"minConfidence\":null}").andExpect(status().isOk());
        verify(models).setMinConfidence(ACTIVE, null);
        verify(models, never()).setMinConfidence(ACTIVE, 0.0);
        putJson("/api/v1/models/" + ACTIVE + "/settings", "{\"minConfidence\":0.7}").andExpect(status().isOk());
        verify(models).setMinConfidence(ACTIVE, 0.7);
        when(models.setMinConfidence(any(), any())).thenThrow(ModelNotFoundException.forId("nope"));
        putJson("/api/v1/models/nope/settings", "{\"minConfidence\":0.5}").andExpect(problem(404, "model-not-found"));
    }

    @Test
    void deletingIs204AndTheActiveVersionIsRefusedWith409() throws Exception {
        mvc.perform(delete("/api/v1/models/" + BROKEN)).andExpect(status().isNoContent());
        verify(models).delete(BROKEN);
        doThrow(ModelConflictException.activeCannotBeDeleted(ACTIVE)).when(models).delete(ACTIVE);
        mvc.perform(delete("/api/v1/models/" + ACTIVE)).andExpect(problem(409, "model-conflict"))
                .andExpect(jsonPath("$.detail").value(containsString("activate another version first")));
    }

    @Test
    void aVersionInUseByTheRolloutIsRefusedWith409AndKept() throws Exception {
        when(rollout.use(BROKEN)).thenReturn(Optional.of("the running canary"));
        mvc.perform(get("/api/v1/models/" + BROKEN)).andExpect(status().isOk())
                .andExpect(jsonPath("$.rollout").value("the running canary"));
        mvc.perform(get("/api/v1/models/" + ACTIVE)).andExpect(jsonPath("$.rollout").doesNotExist());
        mvc.perform(delete("/api/v1/models/" + BROKEN)).andExpect(problem(409, "model-conflict"))
                .andExpect(jsonPath("$.detail").value(containsString("is the running canary and cannot be deleted")))
                .andExpect(jsonPath("$.detail").value(containsString("DELETE /api/v1/models/canary")));
        verify(models, never()).delete(any());
    }

    @Test
    void otherMethodsAndMediaTypesAreRefused() throws Exception {
        mvc.perform(delete("/api/v1/models")).andExpect(problem(405, "method-not-allowed"));
        mvc.perform(put("/api/v1/models/active").contentType(MediaType.TEXT_PLAIN).content(ACTIVE))
                .andExpect(problem(415, "unsupported-media-type"));
        verify(models, never()).activate(any());
    }
}
