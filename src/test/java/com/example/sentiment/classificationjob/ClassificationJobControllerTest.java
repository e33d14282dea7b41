package com.example.sentiment.classificationjob;

import static com.example.sentiment.system.Problems.invalidField;
import static com.example.sentiment.system.Problems.problem;
import static org.assertj.core.api.Assertions.assertThat;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.system.ControllerSlice;
import java.io.ByteArrayInputStream;
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
 * {@code /api/v1/classification-jobs}' contract, the service mocked: what the upload hands it, the answers'
 * shapes and statuses, and how refusals are answered.
 */
@ControllerSlice(ClassificationJobController.class)
class ClassificationJobControllerTest {

    private static final String CSV = "id,text\n1,good\n2,bad\n";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ClassificationJobService jobs;

    private static ClassificationJob job(String id, ClassificationJob.State state) {
        return new ClassificationJob(id, state, "m-1", "in.csv", "csv", "text", "csv", 2, 0,
                Instant.parse("2026-12-07T00:00:00Z"), null, null, 0, null);
    }

    private static ClassificationJobView view(String id, String state) {
        return new ClassificationJobView(id, state, "m-1", "in.csv", "csv", "text", "csv",
                new ClassificationJobView.Progress(0, 2, 0, null, null), Instant.parse("2026-12-07T00:00:00Z"),
                null, null, null, null);
    }

    @Test
    void anUploadIsHandedToTheServiceWithItsOptionsAndAnswered202WithTheJobsLocation() throws Exception {
        when(jobs.submit(any(), any(), any(), any())).thenReturn(view("cj-1", "QUEUED"));
        mvc.perform(multipart("/api/v1/classification-jobs")
                        .file(new MockMultipartFile("data", "in.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8)))
                        .param("modelId", "m-1").param("textColumn", "body").param("outputFormat", "jsonl"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/classification-jobs/cj-1"))
                .andExpect(jsonPath("$.id").value("cj-1"))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.progress.totalRows").value(2));
        ArgumentCaptor<ClassificationJobService.Upload> upload = ArgumentCaptor.forClass(ClassificationJobService.Upload.class);
        verify(jobs).submit(upload.capture(), eq("m-1"), eq("body"), eq("jsonl"));
        assertThat(upload.getValue().filename()).isEqualTo("in.csv");
        try (InputStream in = upload.getValue().open()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CSV);
        }
    }

    @Test
    void withoutItsDataPartAnUploadIs400AndAJsonBody415() throws Exception {
        mvc.perform(multipart("/api/v1/classification-jobs").param("modelId", "m-1"))
                .andExpect(problem(400, "invalid-request"));
        mvc.perform(post("/api/v1/classification-jobs").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnsupportedMediaType());
        verify(jobs, never()).submit(any(), any(), any(), any());
    }

    @Test
    void refusalsOfTheServiceAreProblems() throws Exception {
        when(jobs.submit(any(), isNull(), isNull(), eq("xml")))
                .thenThrow(BadRequestException.forField("outputFormat", "must be csv or jsonl, got 'xml'"));
        when(jobs.submit(any(), isNull(), isNull(), isNull())).thenThrow(InvalidJobInputException.of("the file is empty"));
        MockMultipartFile data = new MockMultipartFile("data", "in.csv", "text/csv", new byte[0]);
        mvc.perform(multipart("/api/v1/classification-jobs").file(data).param("outputFormat", "xml"))
                .andExpect(invalidField("outputFormat", "must be csv or jsonl, got 'xml'"));
        mvc.perform(multipart("/api/v1/classification-jobs").file(data))
                .andExpect(problem(422, "invalid-classification-input"));

        when(jobs.get("nope")).thenThrow(ClassificationJobNotFoundException.forId("nope"));
        when(jobs.cancel("done")).thenThrow(ClassificationJobStateException.cannotCancel(job("done", ClassificationJob.State.SUCCEEDED)));
        when(jobs.results("running")).thenThrow(ClassificationJobStateException.noResultsYet(job("running", ClassificationJob.State.RUNNING)));
        mvc.perform(get("/api/v1/classification-jobs/nope")).andExpect(problem(404, "classification-job-not-found"));
        mvc.perform(post("/api/v1/classification-jobs/done/cancel")).andExpect(problem(409, "job-finished"));
        mvc.perform(get("/api/v1/classification-jobs/running/results")).andExpect(problem(409, "job-not-finished"))
                .andExpect(jsonPath("$.state").value("RUNNING"));
    }

    @Test
    void resultsAreStreamedAsTheirFormatAndAnAttachment() throws Exception {
        String body = "id,label,score_negative,score_positive,truncated\n1,positive,0.1,0.9,false\n";
        when(jobs.results("cj-1")).thenReturn(new ClassificationJobService.Results(job("cj-1", ClassificationJob.State.SUCCEEDED),
                ResultFormat.CSV, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        mvc.perform(get("/api/v1/classification-jobs/cj-1/results"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", org.hamcrest.Matchers.startsWith("text/csv")))
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"cj-1-results.csv\""))
                .andExpect(content().string(body));
    }

    @Test
    void pagesAreBoundedAndTheServiceAnswersTheRest() throws Exception {
        when(jobs.page(0, 20)).thenReturn(new ClassificationJobPage(List.of(view("cj-1", "RUNNING")), 0, 20, 1));
        mvc.perform(get("/api/v1/classification-jobs")).andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].id").value("cj-1"))
                .andExpect(jsonPath("$.total").value(1));
        mvc.perform(get("/api/v1/classification-jobs").param("size", "0")).andExpect(invalidField("size", "must be at least 1"));
        mvc.perform(get("/api/v1/classification-jobs").param("size", "201")).andExpect(invalidField("size", "must be at most 200"));
        mvc.perform(get("/api/v1/classification-jobs").param("page", "-1")).andExpect(invalidField("page", "must be at least 0"));
        verify(jobs, never()).page(anyInt(), eq(0));
    }
}
