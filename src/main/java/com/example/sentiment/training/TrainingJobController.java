package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
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

/** Training jobs: upload labelled text, watch the job, cancel it. */
@RestController
@RequestMapping("/api/v1/training-jobs")
@Tag(name = "Training", description = "Train a classifier on your own labelled text")
class TrainingJobController {

    private final TrainingJobService jobs;

    TrainingJobController(TrainingJobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Start a training job", description = "Upload a CSV (header row; columns text and "
            + "label by default), TSV or JSON Lines file as part 'data', optionally a validation file as part "
            + "'validation' and a JSON 'config'. The file is validated before the job is queued; the answer is "
            + "202 with the job and its Location.")
    ResponseEntity<TrainingJobView> create(
            @Parameter(description = "Labelled training data (CSV, TSV or JSON Lines, UTF-8)")
            @RequestPart("data") MultipartFile data,
            @Parameter(description = "Optional validation data in the same format; otherwise a stratified split is held out")
            @RequestPart(name = "validation", required = false) MultipartFile validation,
            @Parameter(description = "Optional JSON training settings, e.g. {\"epochs\":5,\"name\":\"reviews\"}")
            @RequestPart(name = "config", required = false) String config) {
        TrainingJobView job = jobs.submit(config, upload(data), validation == null ? null : upload(validation));
        return ResponseEntity.accepted().location(URI.create("/api/v1/training-jobs/" + job.id())).body(job);
    }

    @GetMapping
    @Operation(summary = "List training jobs", description = "One page of the jobs, newest first, paged like the "
            + "corrections: {items, page, size, total}.")
    TrainingJobPage list(
            @Parameter(description = "Page number, from 0") @RequestParam(defaultValue = "0")
            @Min(value = 0, message = "must be at least 0") int page,
            @Parameter(description = "Jobs per page, 1 to 200") @RequestParam(defaultValue = "20")
            @Min(value = 1, message = "must be at least 1") @Max(value = 200, message = "must be at most 200") int size) {
        return jobs.page(page, size);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show a training job", description = "State, progress with ETA, latest metrics, "
            + "per-epoch history, dataset report, error (when failed) and modelId (when succeeded).")
    TrainingJobView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a training job", description = "A queued job is cancelled at once, a running "
            + "one within one minibatch; no model version is written. A job that already finished (SUCCEEDED, "
            + "FAILED or CANCELLED) is left as it is and the answer is 409 job-finished.")
    TrainingJobView cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }

    /** The part as Spring spooled it to disk, read as a stream rather than into memory. */
    private static DatasetReader.Upload upload(MultipartFile file) {
        return new DatasetReader.Upload(file.getOriginalFilename(), file.getSize(), file::getInputStream);
    }
}
