package com.example.sentiment.drift;

import static com.example.sentiment.system.Problems.problem;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.ControllerSlice;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code GET /api/v1/models/{id}/drift} with the real drift monitor over a mocked model service: 404 for an
 * unknown version, and the answer's shape for versions with and without a reference.
 */
@ControllerSlice(DriftController.class)
@Import({DriftMonitor.class, DriftControllerTest.Meters.class})
class DriftControllerTest {

    private static final String ID = "20261201-000000-aaaa";
    private static final String OLD = "20261130-000000-bbbb";

    @TestConfiguration
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    ModelService models;

    @Autowired
    DriftMonitor monitor;

    private static Prediction prediction(String label, double confidence, int tokens) {
        return new Prediction(label, confidence, Map.of(), tokens, false, 0, 1);
    }

    @BeforeEach
    void twoVersionsOneWithAReference() {
        ModelMetadata metadata = new ModelMetadata(null, "tiny", Instant.parse("2026-12-01T00:00:00Z"), null,
                TinyModel.LABELS, TinyModel.hyperParameters(1), 10, null, 100, null, null, List.of(), 1, 1.0, null,
                null, null);
        when(models.get(ID)).thenReturn(new StoredModel(ID, metadata, null));
        when(models.get(OLD)).thenReturn(new StoredModel(OLD, metadata, null));
        when(models.get("nope")).thenThrow(ModelNotFoundException.forId("nope"));
        // the reference: 30 negative and 70 positive, all of 5 tokens at 0.95
        List<Prediction> validation = new ArrayList<>(Collections.nCopies(30, prediction("negative", 0.95, 5)));
        validation.addAll(Collections.nCopies(70, prediction("positive", 0.95, 5)));
        when(models.versionFile(ID, DriftReference.FILE))
                .thenReturn(Optional.of(DriftReference.files(TinyModel.LABELS, validation).get(DriftReference.FILE)));
        when(models.versionFile(OLD, DriftReference.FILE)).thenReturn(Optional.empty());
    }

    @Test
    void anUnknownVersionIsNotFound() throws Exception {
        mvc.perform(get("/api/v1/models/nope/drift")).andExpect(problem(404, "model-not-found"));
    }

    @Test
    void aVersionWithAReferenceAnswersEverySignalWithBothHistograms() throws Exception {
        // live: half and half, so the label PSI is the hand-checked 0.169460 (0.5/0.5 against 0.3/0.7)
        monitor.record(ID, TinyModel.LABELS, Collections.nCopies(300, prediction("negative", 0.95, 5)));
        monitor.record(ID, TinyModel.LABELS, Collections.nCopies(300, prediction("positive", 0.95, 5)));

        mvc.perform(get("/api/v1/models/" + ID + "/drift"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.modelId").value(ID))
                .andExpect(jsonPath("$.status").value("warn"))
                .andExpect(jsonPath("$.liveSample").value(600))
                .andExpect(jsonPath("$.referenceSample").value(100))
                .andExpect(jsonPath("$.window").value("PT1H"))
                .andExpect(jsonPath("$.minSample").value(500))
                .andExpect(jsonPath("$.warnPsi").value(0.1))
                .andExpect(jsonPath("$.alertPsi").value(0.25))
                .andExpect(jsonPath("$.signals[*].signal").value(contains("length", "unknown-share", "label",
                        "confidence")))
                .andExpect(jsonPath("$.signals[2].psi").value(closeTo(0.169460, 1e-6), Double.class))
                .andExpect(jsonPath("$.signals[2].status").value("warn"))
                .andExpect(jsonPath("$.signals[2].live.bins").value(contains("negative", "positive")))
                .andExpect(jsonPath("$.signals[2].live.counts").value(contains(300, 300)))
                .andExpect(jsonPath("$.signals[2].reference.counts").value(contains(30, 70)))
                .andExpect(jsonPath("$.signals[0].status").value("ok"))
                .andExpect(jsonPath("$.signals[0].psi").value(closeTo(0, 1e-9), Double.class))
                .andExpect(jsonPath("$.signals[0].live.bins[2]").value("5-6"))
                .andExpect(jsonPath("$.signals[0].live.counts[2]").value(600));
    }

    @Test
    void aVersionWithoutAReferenceSaysSo() throws Exception {
        monitor.record(OLD, TinyModel.LABELS, List.of(prediction("negative", 0.8, 3)));

        mvc.perform(get("/api/v1/models/" + OLD + "/drift"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("no-reference"))
                .andExpect(jsonPath("$.referenceSample").value(nullValue()))
                .andExpect(jsonPath("$.signals[3].status").value("no-reference"))
                .andExpect(jsonPath("$.signals[3].psi").value(nullValue()))
                .andExpect(jsonPath("$.signals[3].reference").value(nullValue()))
                .andExpect(jsonPath("$.signals[3].live.counts[4]").value(1));
    }
}
