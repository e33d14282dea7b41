package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.vectors.WordVectorsLibrary;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the parts of a training upload into a validated job configuration and prepared data, refusing
 * anything wrong before a job exists: a bad config with 400 (naming the field), bad data with 422
 * (listing the problems with line numbers).
 */
@Component
class TrainingUploadReader {

    /** An uploaded file's name and bytes. */
    record Upload(String filename, byte[] bytes) {
    }

    private final JsonMapper strictJson; // the application's mapper, strict (see JsonConfiguration)
    private final Validator validator;
    private final SentimentProperties.Training settings;
    private final DatasetParser parser;
    private final WordVectorsLibrary wordVectors;

    TrainingUploadReader(JsonMapper json, Validator validator, SentimentProperties properties,
                         WordVectorsLibrary wordVectors) {
        this.strictJson = json;
        this.validator = validator;
        this.settings = properties.training();
        this.wordVectors = wordVectors;
        this.parser = new DatasetParser(json, settings.maxRows());
    }

    TrainingConfig.ResolvedTrainingConfig config(String configJson) {
        TrainingConfig config = TrainingConfig.EMPTY;
        if (configJson != null && !configJson.isBlank()) {
            try {
                config = strictJson.readValue(configJson, TrainingConfig.class);
            } catch (UnrecognizedPropertyException e) {
                throw BadRequestException.forField("config." + e.getPropertyName(), "unknown field");
            } catch (JacksonException e) {
                String field = e.getPath().isEmpty() || e.getPath().get(0).getPropertyName() == null
                        ? "config" : "config." + e.getPath().get(0).getPropertyName();
                throw BadRequestException.forField(field, field.equals("config")
                        ? "must be a JSON object of training settings" : "has the wrong type or value");
            }
            if (config == null) {
                config = TrainingConfig.EMPTY;
            }
        }
        List<ConstraintViolation<TrainingConfig>> violations = new ArrayList<>(validator.validate(config));
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(v -> v.getPropertyPath().toString()));
            throw BadRequestException.forFields(violations.stream()
                    .map(v -> new BadRequestException.FieldError("config." + v.getPropertyPath(), v.getMessage()))
                    .toList());
        }
        TrainingConfig.ResolvedTrainingConfig resolved = config.resolve(settings.defaults(),
                wordVectors.defaultName().isPresent());
        String vectors = resolved.hyperParameters().wordVectors();
        if (vectors != null && !wordVectors.exists(vectors)) {
            throw BadRequestException.forField("config.wordVectors", "no file '" + vectors
                    + "' in the vectors directory " + wordVectors.directory() + " (the build fetches glove-100d.vec)");
        }
        return resolved;
    }

    /** @param corrections stored corrections to add to the training rows, newest first (empty for none) */
    PreparedDataset data(Upload data, Upload validation, TrainingConfig.ResolvedTrainingConfig config,
                         List<DatasetParser.Row> corrections) {
        DatasetParser.Parsed parsed = parser.parse("data", data.bytes(), data.filename(), config.textColumn(),
                config.labelColumn());
        DatasetParser.Parsed validationRows = validation == null ? null : parser.parse("validation",
                validation.bytes(), validation.filename(), config.textColumn(), config.labelColumn());
        return PreparedDataset.prepare(parsed, data.bytes(), validationRows, config.validationSplit(),
                config.hyperParameters().seed(), settings.minExamplesPerLabel(), corrections);
    }
}
