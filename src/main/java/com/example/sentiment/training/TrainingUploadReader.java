package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.dataset.DatasetOptions;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.InsufficientMemoryException;
import com.example.sentiment.dataset.InvalidDatasetException;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.feedback.Feedback;
import com.example.sentiment.feedback.FeedbackStore;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.vectors.WordVectorsLibrary;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the parts of a training upload into a validated job configuration and prepared data, refusing
 * anything wrong before a job exists: a bad config with 400 (naming the field) here; the data is read by
 * {@link DatasetReader} with the settings of the config, which refuses bad data with 422 (listing the problems
 * with line numbers) and data that does not fit its memory budget with 413.
 */
@Component
class TrainingUploadReader {

    private final JsonMapper strictJson; // the application's mapper, strict (see JsonConfiguration)
    private final Validator validator;
    private final SentimentProperties.Training settings;
    private final DatasetReader datasets;
    private final WordVectorsLibrary wordVectors;
    private final PretrainedEncoders encoders;

    TrainingUploadReader(JsonMapper json, Validator validator, SentimentProperties properties, DatasetReader datasets,
                         WordVectorsLibrary wordVectors, PretrainedEncoders encoders) {
        this.encoders = encoders;
        this.strictJson = json;
        this.validator = validator;
        this.datasets = datasets;
        this.settings = properties.training();
        this.wordVectors = wordVectors;
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
                wordVectors.defaultName().isPresent(), autoEncoders());
        List<String> teacherOnly = config.teacherOnlyFields();
        if (!teacherOnly.isEmpty()) {
            throw BadRequestException.forFields(teacherOnly.stream()
                    .map(f -> new BadRequestException.FieldError("config." + f, "needs config.teacher")).toList());
        }
        HyperParameters hp = resolved.hyperParameters();
        if (hp.engine() == HyperParameters.Engine.DL4J
                && (hp.pooling() == HyperParameters.Pooling.LAST_MAX || hp.spatialDropout() > 0 || hp.lstmLayers() > 1)) {
            throw BadRequestException.forField("config.engine",
                    "pooling last+max, spatialDropout and lstmLayers above 1 need engine fused");
        }
        if (hp.usesEncoder() && !encoders.has(hp.encoder())) {
            List<String> names = new ArrayList<>();
            names.add(HyperParameters.WORD_VECTORS);
            names.addAll(encoders.names());
            throw BadRequestException.forField("config.encoder", "no encoder '" + hp.encoder() + "': must be one of "
                    + String.join(", ", names));
        }
        if (resolved.distillation() != null && hp.usesEncoder()) {
            // the point of distilling is a student that serves at word-vector speed; the teacher may use an encoder
            throw BadRequestException.forField("config.encoder", "a job with a teacher trains a word-vector model: "
                    + "leave encoder out or set it to " + HyperParameters.WORD_VECTORS);
        }
        String vectors = hp.wordVectors();
        if (vectors != null && !wordVectors.exists(vectors)) {
            throw BadRequestException.forField("config.wordVectors", "no file '" + vectors
                    + "' in the vectors directory " + wordVectors.directory() + " (the build fetches glove-100d.vec)");
        }
        return resolved;
    }

    /** The encoders of {@code sentiment.training.auto-encoders} that are available, in their order. */
    private List<String> autoEncoders() {
        return settings.autoEncoderNames().stream().filter(encoders::has).toList();
    }

    /**
     * Reads the data parts with the settings of {@code config} ({@link DatasetReader#read}).
     *
     * @param corrections stored corrections to add to the training rows ({@link #corrections}; empty for none)
     * @throws InvalidDatasetException (422) when the data cannot be used
     * @throws InsufficientMemoryException (413) when it does not fit the memory budget
     */
    PreparedDataset data(DatasetReader.Upload data, DatasetReader.Upload validation,
                         TrainingConfig.ResolvedTrainingConfig config, List<DatasetOptions.Correction> corrections) {
        return datasets.read(data, validation, new DatasetOptions(config.textColumn(), config.labelColumn(),
                config.validationSplit(), config.hyperParameters(), config.candidates(),
                // the validation texts: the if-better gate compares on them, and every version is calibrated on them
                true, config.holdOutSentences(), config.distillation() != null,
                corrections, config.task(), config.labelSeparator()));
    }

    /**
     * The stored corrections a job adds to its rows: none unless it says {@code includeFeedback}, else those
     * given up to {@code upTo}, newest first (of several corrections of one text, the newest is the one kept).
     * Read when the job is accepted, and again by a worker that reads its files again.
     */
    static List<DatasetOptions.Correction> corrections(FeedbackStore feedback,
                                                       TrainingConfig.ResolvedTrainingConfig config, Instant upTo) {
        if (!config.includeFeedback()) {
            return List.of();
        }
        List<Feedback> oldestFirst = feedback.all();
        List<DatasetOptions.Correction> newestFirst = new ArrayList<>(oldestFirst.size());
        for (int i = oldestFirst.size() - 1; i >= 0; i--) {
            Feedback f = oldestFirst.get(i);
            if (!f.createdAt().isAfter(upTo)) {
                newestFirst.add(new DatasetOptions.Correction(f.text(), f.label()));
            }
        }
        return newestFirst;
    }
}
