package com.example.sentiment.classificationjob;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Classification jobs: a whole file classified in the background, its results downloaded as a file. */
@RestController
@RequestMapping("/api/v1/classification-jobs")
@Tag(name = "Classification jobs", description = "Classify a whole file (up to millions of rows) as a job")
class ClassificationJobController {

    private final ClassificationJobService jobs;

    ClassificationJobController(ClassificationJobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Start a classification job", description = "Upload a CSV or TSV file with a header row, "
            + "or a JSON Lines file, as part 'data': one text per row in the column 'text' (or the one named by "
            + "'textColumn'), with an optional 'id' column kept in the results (else rows are numbered from 1). "
            + "The file is checked before the job is queued (422 listing bad rows). The job runs on the inference "
            + "workers below interactive /classify calls; the answer is 202 with the job and its Location.")
    ResponseEntity<ClassificationJobView> create(
            @Parameter(description = "The texts (CSV, TSV or JSON Lines, UTF-8)") @RequestPart("data") MultipartFile data,
            @Parameter(description = "Model version id; the active version when left out", example = "20261128-153000-3fa2")
            @RequestParam(name = "modelId", required = false) String modelId,
            @Parameter(description = "Column (or JSON field) of the texts", example = "text")
            @RequestParam(name = "textColumn", required = false) String textColumn,
            @Parameter(description = "Format of the results: csv or jsonl; by default that of the upload (csv for TSV)",
                    example = "csv")
            @RequestParam(name = "outputFormat", required = false) String outputFormat) {
        ClassificationJobView job = jobs.submit(new ClassificationJobService.Upload() {
            @Override
            public String filename() {
                return data.getOriginalFilename();
            }

            @Override
            public InputStream open() throws IOException {
                return data.getInputStream();
            }
        }, modelId, textColumn, outputFormat);
        return ResponseEntity.accepted().location(URI.create("/api/v1/classification-jobs/" + job.id())).body(job);
    }

    @GetMapping
    @Operation(summary = "List classification jobs", description = "One page of the jobs, newest first: "
            + "{items, page, size, total}.")
    ClassificationJobPage list(
            @Parameter(description = "Page number, from 0") @RequestParam(defaultValue = "0")
            @Min(value = 0, message = "must be at least 0") int page,
            @Parameter(description = "Jobs per page, 1 to 200") @RequestParam(defaultValue = "20")
            @Min(value = 1, message = "must be at least 1") @Max(value = 200, message = "must be at most 200") int size) {
        return jobs.page(page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show a classification job", description = "State, progress (rows done of all, rows per "
            + "second, ETA), error (when failed) and the results' address (when succeeded).")
    ClassificationJobView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a classification job", description = "A queued job is cancelled at once, a running "
            + "one within one chunk of rows. A job that has ended already is left as it is: 409 job-finished.")
    ClassificationJobView cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }

    @GetMapping(value = "/{id}/results", produces = {"text/csv", "application/x-ndjson"})
    @Operation(summary = "Download a classification job's results", description = "The results file, streamed: one "
            + "line per input row in the input's order, with id, label, every label's probability and truncated; "
            + "CSV (header id,label,score_<label>...,truncated) or JSON Lines. 409 job-not-finished until the job "
            + "has SUCCEEDED.")
    ResponseEntity<InputStreamResource> results(@PathVariable String id) {
        ClassificationJobService.Results results = jobs.results(id);
        return ResponseEntity.ok().contentType(results.format().mediaType)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(id + "-results." + results.format().extension).build().toString())
                .body(new InputStreamResource(results.stream()));
    }
}
