package com.example.sentiment.feedback;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Corrections of classification answers: give one, list them, export them as a training file, delete one. */
@RestController
@RequestMapping("/api/v1/feedback")
@Tag(name = "Feedback", description = "Corrections of classification answers, to train the next model on")
class FeedbackController {

    private static final Logger log = LoggerFactory.getLogger(FeedbackController.class);

    private final FeedbackService feedback;
    private final FeedbackStore store;

    FeedbackController(FeedbackService feedback, FeedbackStore store) {
        this.feedback = feedback;
        this.store = store;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Correct a classification", description = "Stores the label a text should have had, "
            + "durably. The label must be one of the named model version's (or the active one's) labels unless "
            + "newLabel is true. Same API-key rules as classification. A training job with includeFeedback=true "
            + "adds the stored corrections to its data.")
    @ApiResponse(responseCode = "201", description = "Stored")
    ResponseEntity<Feedback> create(@Valid @RequestBody FeedbackRequest request) {
        Feedback stored = feedback.add(new FeedbackService.Correction(request.text(), request.label(),
                request.modelId(), request.predictedLabel(), Boolean.TRUE.equals(request.newLabel())));
        return ResponseEntity.created(URI.create("/api/v1/feedback/" + stored.id())).body(stored);
    }

    @GetMapping
    @Operation(summary = "List corrections", description = "One page, newest first, optionally of one model version.")
    FeedbackPage list(
            @Parameter(description = "Page number, from 0") @RequestParam(defaultValue = "0")
            @Min(value = 0, message = "must be at least 0") int page,
            @Parameter(description = "Corrections per page, 1 to 200") @RequestParam(defaultValue = "20")
            @Min(value = 1, message = "must be at least 1") @Max(value = 200, message = "must be at most 200") int size,
            @Parameter(description = "Only corrections of this model version") @RequestParam(required = false)
            String modelId) {
        return store.page(page, size, modelId);
    }

    @GetMapping(path = "/export", produces = "text/csv")
    @Operation(summary = "Export corrections as CSV", description = "Header text,label, one row per correction "
            + "in the order they were given, RFC 4180 quoting: ready to upload as training data. Written as it is "
            + "read from the store, so the response has no Content-Length. A cell that begins with =, +, -, @, a tab "
            + "or a carriage return (which a spreadsheet would run as a formula) is prefixed with a single quote ' "
            + "and quoted, as OWASP advises against CSV injection; the stored correction keeps its text as given, "
            + "and training with includeFeedback uses the stored text.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/csv",
            schema = @Schema(type = "string", example = "text,label\r\n\"Not bad, really\",positive\r\n\"'=1+1\",negative\r\n")))
    void export(@Parameter(description = "Only corrections of this model version")
                @RequestParam(required = false) String modelId, HttpServletResponse response) throws IOException {
        response.setContentType(new MediaType("text", "csv", StandardCharsets.UTF_8).toString());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"feedback.csv\"");
        // rows go out as the store hands them over: memory holds one buffer, not the export
        Writer csv = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        csv.write(FeedbackCsv.HEADER);
        store.forEach(modelId, f -> csv.write(FeedbackCsv.row(f)));
        csv.flush();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show a correction")
    Feedback get(@PathVariable String id) {
        return store.find(id).orElseThrow(() -> FeedbackNotFoundException.forId(id));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a correction", description = "Removes it for good: it is in no later list, export "
            + "or training job's data. Needs the admin API key when one is set.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@PathVariable String id) {
        boolean deleted;
        try {
            deleted = store.delete(id);
        } catch (IOException e) {
            // a failing volume: the service's condition; the path stays in the log
            log.error("Cannot delete correction {}: {}", FeedbackNotFoundException.printable(id), e.toString());
            throw new FeedbackStoreUnavailableException();
        }
        if (!deleted) {
            throw FeedbackNotFoundException.forId(id);
        }
        return ResponseEntity.noContent().build();
    }

    /** Body of {@code POST /feedback}. */
    record FeedbackRequest(
            @Schema(example = "Not bad at all") @NotNull(message = "is required") String text,
            @Schema(example = "positive") @NotNull(message = "is required")
            @Size(min = 1, max = 100, message = "must be 1 to 100 characters")
            @Pattern(regexp = "[^\\p{Cc}\\p{Zl}\\p{Zp}]*",
                    message = "must not contain control characters such as line breaks or tabs") String label,
            @Schema(description = "The model version whose answer is corrected; checked against the active one when absent")
            String modelId,
            @Schema(description = "The label the model gave", example = "negative")
            @Size(max = 100, message = "must be at most 100 characters") String predictedLabel,
            @Schema(description = "True to accept a label the model does not know (to teach a new one)")
            Boolean newLabel) {
    }
}
