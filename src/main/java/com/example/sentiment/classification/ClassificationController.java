package com.example.sentiment.classification;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Classify text with the active model or a named version. */
@RestController
@RequestMapping(path = "/api/v1/classify", consumes = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Classification", description = "Classify text; every label gets a probability")
class ClassificationController {

    private final ClassificationService classification;

    ClassificationController(ClassificationService classification) {
        this.classification = classification;
    }

    @PostMapping
    @Operation(summary = "Classify one text", description = "Uses the active model unless modelId names a "
            + "version. Texts longer than the model's maximum sequence length are truncated (truncated=true).")
    ClassificationResult classify(@Valid @RequestBody ClassifyRequest request) {
        return classification.classify(request.text(), request.modelId());
    }

    @PostMapping("/batch")
    @Operation(summary = "Classify many texts", description = "Up to sentiment.classify.max-batch-size texts "
            + "(default 256) in one call; results are in the order of the texts.")
    BatchClassificationResult classifyBatch(@Valid @RequestBody BatchClassifyRequest request) {
        return classification.classifyBatch(request.texts(), request.modelId());
    }

    /** Body of {@code POST /classify}. */
    record ClassifyRequest(
            @Schema(example = "A moving, beautifully acted film.") @NotNull(message = "is required") String text,
            @Schema(description = "A model version; the active one when absent") String modelId) {
    }

    /** Body of {@code POST /classify/batch}. */
    record BatchClassifyRequest(
            @Schema(example = "[\"A moving, beautifully acted film.\", \"Dull and far too long.\"]")
            @NotNull(message = "is required") List<String> texts,
            @Schema(description = "A model version; the active one when absent") String modelId) {
    }
}
