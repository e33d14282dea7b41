package com.example.sentiment.classification;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.ControllerSlice;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The V2 endpoints' contract, the services mocked: the protocol's statuses and {@code {"error"}} bodies (never a
 * problem detail), answered by its own advice, and the tensors of {@link TensorCodec}.
 */
@ControllerSlice(OpenInferenceController.class)
@Import(OpenInferenceErrors.class)
class OpenInferenceControllerTest {

    private static final String ID = "20261201-000000-aaaa";
    private static final String ONE_TEXT = "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\","
            + "\"data\":[\"great\"]}]}";

    @Autowired
    MockMvc mvc;

    @Autowired
    ModelService models;

    @MockitoBean
    ClassificationService classification;

    @MockitoBean
    ApplicationAvailability availability;

    private ModelService.LoadedModel loaded;

    @BeforeEach
    void aStoredVersion() {
        ModelMetadata metadata = new ModelMetadata(null, "tiny", Instant.now(), null, TinyModel.LABELS,
                TinyModel.hyperParameters(1), 10, null, 100, null, null, List.of(), 1, 1.0, null, null, null);
        TextClassifier classifier = mock(TextClassifier.class);
        when(classifier.labels()).thenReturn(TinyModel.LABELS);
        loaded = new ModelService.LoadedModel(ID, metadata, classifier);
        when(models.get(ID)).thenReturn(new StoredModel(ID, metadata, null));
        when(models.get("nope")).thenThrow(ModelNotFoundException.forId("nope"));
        when(models.startupDone()).thenReturn(true);
        when(availability.getLivenessState()).thenReturn(LivenessState.CORRECT);
        when(availability.getReadinessState()).thenReturn(ReadinessState.ACCEPTING_TRAFFIC);
    }

    private ResultActions infer(String name, String body) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/v2/models/" + name + "/infer").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    /** The protocol's error form: status, {@code {"error": ...}} as application/json, no problem type. */
    private static void error(ResultActions result, int status, String message) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.error").value(containsString(message)))
                .andExpect(jsonPath("$.type").doesNotExist());
    }

    @Test
    void serverMetadataAndHealthFollowTheApplicationsState() throws Exception {
        mvc.perform(get("/v2")).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("sentiment-service"))
                .andExpect(jsonPath("$.version").isNotEmpty())
                .andExpect(jsonPath("$.extensions").isArray());
        mvc.perform(get("/v2/health/live")).andExpect(status().isOk()).andExpect(jsonPath("$.live").value(true));
        mvc.perform(get("/v2/health/ready")).andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.ready").value(false));

        when(models.active()).thenReturn(Optional.of(loaded));
        mvc.perform(get("/v2/health/ready")).andExpect(status().isOk()).andExpect(jsonPath("$.ready").value(true));
        when(availability.getReadinessState()).thenReturn(ReadinessState.REFUSING_TRAFFIC);
        mvc.perform(get("/v2/health/ready")).andExpect(status().isServiceUnavailable());
        when(availability.getLivenessState()).thenReturn(LivenessState.BROKEN);
        mvc.perform(get("/v2/health/live")).andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.live").value(false));
    }

    @Test
    void withoutAnActiveModelTheAliasIs503ButItsReadiness409() throws Exception {
        error(mvc.perform(get("/v2/models/sentiment")), 503, "No model is active yet");
        mvc.perform(get("/v2/models/sentiment")).andExpect(header().string("Retry-After", "5"));
        error(mvc.perform(get("/v2/models/sentiment/ready")), 409, "No model is active yet");
        error(infer("sentiment", ONE_TEXT), 503, "No model is active yet");
        when(models.startupDone()).thenReturn(false);
        error(mvc.perform(get("/v2/models/sentiment")), 503, "still loading");
        verifyNoInteractions(classification);
    }

    @Test
    void metadataNamesTheVersionTheTensorsAndTheLabelOrder() throws Exception {
        when(models.active()).thenReturn(Optional.of(loaded));
        for (String path : List.of("/v2/models/sentiment", "/v2/models/" + ID, "/v2/models/sentiment/versions/" + ID,
                "/v2/models/" + ID + "/versions/" + ID)) {
            mvc.perform(get(path)).andExpect(status().isOk())
                    .andExpect(jsonPath("$.versions[0]").value(ID))
                    .andExpect(jsonPath("$.platform").value("deeplearning4j"))
                    .andExpect(jsonPath("$.labels", contains("negative", "positive")))
                    .andExpect(jsonPath("$.inputs[0].name").value("text"))
                    .andExpect(jsonPath("$.inputs[0].datatype").value("BYTES"))
                    .andExpect(jsonPath("$.outputs[1].name").value("probabilities"))
                    .andExpect(jsonPath("$.outputs[1].shape", contains(-1, 2)))
                    .andExpect(jsonPath("$.outputs[2].name").value("chunks"))
                    .andExpect(jsonPath("$.outputs[2].datatype").value("INT32"));
        }
        mvc.perform(get("/v2/models/" + ID + "/ready")).andExpect(status().isOk())
                .andExpect(jsonPath("$.ready").value(true));
    }

    @Test
    void unknownOrUnreadableVersionsAre404And409() throws Exception {
        error(mvc.perform(get("/v2/models/nope")), 404, "'nope'");
        error(mvc.perform(get("/v2/models/nope/ready")), 404, "'nope'");
        error(mvc.perform(get("/v2/models/" + ID + "/versions/20200101-000000-0000")), 404, "has one version");
        error(infer("nope", ONE_TEXT), 404, "'nope'");

        String broken = "20261201-000000-bbbb";
        when(models.get(broken)).thenReturn(new StoredModel(broken, null, "model.bin is missing"));
        error(mvc.perform(get("/v2/models/" + broken)), 409, "cannot be read: model.bin is missing");
        error(mvc.perform(get("/v2/models/" + broken + "/ready")), 409, "cannot be loaded: model.bin is missing");
    }

    @Test
    void inferenceAnswersTheLabelsAndRowMajorProbabilities() throws Exception {
        when(classification.infer(eq(ID), anyList(), eq("text"))).thenReturn(new ClassificationService.Inference(loaded,
                List.of(new Prediction("positive", 0.75, Map.of("negative", 0.25, "positive", 0.75), 1, false))));
        infer(ID, "{\"id\":\"req-7\",\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\","
                + "\"data\":[[\"great\"]]}]}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.model_name").value(ID))
                .andExpect(jsonPath("$.model_version").value(ID))
                .andExpect(jsonPath("$.id").value("req-7"))
                .andExpect(jsonPath("$.outputs[0].name").value("label"))
                .andExpect(jsonPath("$.outputs[0].data[0]").value("positive"))
                .andExpect(jsonPath("$.outputs[1].shape", contains(1, 2)))
                .andExpect(jsonPath("$.outputs[1].data", contains(0.25, 0.75)))
                .andExpect(jsonPath("$.outputs[2].name").value("chunks"))
                .andExpect(jsonPath("$.outputs[2].datatype").value("INT32"))
                .andExpect(jsonPath("$.outputs[2].data", contains(1)));
        verify(classification).infer(ID, List.of("great"), "text");
    }

    @Test
    void theAliasLeavesTheVersionToTheServiceSoThatACanaryMayAnswer() throws Exception {
        when(models.active()).thenReturn(Optional.of(loaded));
        when(classification.infer(isNull(), anyList(), eq("text"))).thenReturn(new ClassificationService.Inference(
                loaded, List.of(new Prediction("positive", 0.75, Map.of("negative", 0.25, "positive", 0.75), 1, false))));
        infer("sentiment", ONE_TEXT).andExpect(status().isOk())
                .andExpect(jsonPath("$.model_name").value("sentiment"))
                .andExpect(jsonPath("$.model_version").value(ID));
        verify(classification).infer(isNull(), anyList(), eq("text"));
    }

    @Test
    void badTensorsBodiesAndContentTypesAre4xxWithAnErrorMessage() throws Exception {
        error(infer(ID, "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[\"x\"]}]}"),
                400, "datatype BYTES");
        error(infer(ID, "{\"inputs\":[{\"name\":\"words\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}"),
                400, "unknown input 'words'");
        error(infer(ID, "{\"inputs\":[]}"), 400, "one input tensor");
        error(infer(ID, "{\"inputz\":[]}"), 400, "not a valid inference request");
        error(infer(ID, "not json"), 400, "not a valid inference request");
        error(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/v2/models/" + ID + "/infer").contentType(MediaType.TEXT_PLAIN).content("hello")),
                415, "application/json");
        verifyNoInteractions(classification);
    }

    @Test
    void theServicesRefusalsAndFaultsKeepTheProtocolsForm() throws Exception {
        when(classification.infer(any(), any(), any()))
                .thenThrow(ServiceBusyException.queueFull(2048))
                .thenThrow(new IllegalStateException("boom"));
        error(infer(ID, ONE_TEXT), 503, "2048");
        infer(ID, ONE_TEXT).andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.error").value("internal error (logged)"));
    }
}
