package com.example.sentiment.training;

import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.system.ControllerSlice;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code /api/v1/training-jobs}' contract, the job service mocked: what the upload hands it, and how its
 * refusals are answered.
 */
@ControllerSlice(TrainingJobController.class)
class TrainingJobControllerTest {

    private static final String CSV = "text,label\ngood,positive\nbad,negative\n";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    TrainingJobService jobs;

    private static TrainingJobView job(String id, TrainingJobState state) {
        return new TrainingJobView(id, "reviews", state, Instant.parse("2026-12-06T00:00:00Z"), null, null, null, 0,
                TrainingJobView.Progress.NONE, TrainingJobView.Metrics.NONE, List.of(), null, null, null, null,
                null, null, null, null);
    }

    @Test
    void anUploadIsHandedToTheServiceAsItsPartsAndAnswered202WithTheJobsLocation() throws Exception {
        when(jobs.submit(any(), any(), any())).thenReturn(job("job-1", TrainingJobState.QUEUED));
        mvc.perform(multipart("/api/v1/training-jobs")
                        .file(new MockMultipartFile("data", "reviews.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8)))
                        .file(new MockMultipartFile("config", "", "application/json", "{\"epochs\":2}".getBytes(StandardCharsets.UTF_8))))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/training-jobs/job-1"))
                .andExpect(jsonPath("$.id").value("job-1"))
                .andExpect(jsonPath("$.state").value("QUEUED"));

        ArgumentCaptor<DatasetReader.Upload> data = ArgumentCaptor.forClass(DatasetReader.Upload.class);
        verify(jobs).submit(eq("{\"epochs\":2}"), data.capture(), isNull());
        assertThat(data.getValue().filename()).isEqualTo("reviews.csv");
        assertThat(data.getValue().size()).isEqualTo(CSV.length());
        try (InputStream in = data.getValue().contents().open()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CSV);
        }
    }

    @Test
    void anUploadWithoutItsDataPartIs400AndReachesNoService() throws Exception {
        mvc.perform(multipart("/api/v1/training-jobs")
                        .file(new MockMultipartFile("config", "", "application/json", "{}".getBytes(StandardCharsets.UTF_8))))
                .andExpect(problem(400, "invalid-request"))
                .andExpect(jsonPath("$.detail").value(containsString("data")));
        mvc.perform(post("/api/v1/training-jobs").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnsupportedMediaType());
        verify(jobs, never()).submit(any(), any(), any());
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        when(jobs.submit(any(), any(), any())).thenThrow(TrainingQueueFullException.withCapacity(1, 4));
        mvc.perform(multipart("/api/v1/training-jobs")
                        .file(new MockMultipartFile("data", "d.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8))))
                .andExpect(problem(503, "training-queue-full"));
    }

    @Test
    void pagesAreBoundedAndTheServiceAnswersTheRest() throws Exception {
        when(jobs.page(0, 20)).thenReturn(new TrainingJobPage(List.of(job("job-1", TrainingJobState.RUNNING)), 0, 20, 1));
        mvc.perform(get("/api/v1/training-jobs")).andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].id").value("job-1"))
                .andExpect(jsonPath("$.total").value(1));
        mvc.perform(get("/api/v1/training-jobs").param("size", "0")).andExpect(invalidField("size", "must be at least 1"));
        mvc.perform(get("/api/v1/training-jobs").param("size", "201")).andExpect(invalidField("size", "must be at most 200"));
        mvc.perform(get("/api/v1/training-jobs").param("page", "-1")).andExpect(invalidField("page", "must be at least 0"));
        verify(jobs, never()).page(anyInt(), eq(0));
    }

    @Test
    void anUnknownJobIs404AndCancellingAFinishedOneIs409() throws Exception {
        when(jobs.get("nope")).thenThrow(TrainingJobNotFoundException.forId("nope"));
        when(jobs.cancel("done")).thenThrow(TrainingJobFinishedException.cannotCancel(job("done", TrainingJobState.SUCCEEDED)));
        when(jobs.cancel("job-1")).thenReturn(job("job-1", TrainingJobState.CANCELLED));

        mvc.perform(get("/api/v1/training-jobs/nope")).andExpect(problem(404, "training-job-not-found"));
        mvc.perform(post("/api/v1/training-jobs/done/cancel")).andExpect(problem(409, "job-finished"));
        mvc.perform(post("/api/v1/training-jobs/job-1/cancel")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("CANCELLED"));
    }
}
