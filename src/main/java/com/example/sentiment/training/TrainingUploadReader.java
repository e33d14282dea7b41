package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.Tokenizer;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.vectors.WordVectorsLibrary;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the parts of a training upload into a validated job configuration and prepared data, refusing
 * anything wrong before a job exists: a bad config with 400 (naming the field), bad data with 422
 * (listing the problems with line numbers), data that does not fit the {@link MemoryBudget} with 413.
 */
@Component
class TrainingUploadReader {

    private static final Logger log = LoggerFactory.getLogger(TrainingUploadReader.class);

    /** An uploaded file: its name, its size and a way to read it (Spring keeps large uploads on disk). */
    record Upload(String filename, long size, Contents contents) {
    }

    /** Opens the file's bytes: once to read the upload, once more when a shared queue stores it. */
    interface Contents {
        InputStream open() throws IOException;
    }

    private final JsonMapper strictJson; // the application's mapper, strict (see JsonConfiguration)
    private final Validator validator;
    private final SentimentProperties.Training settings;
    private final DatasetParser parser;
    private final MemoryBudget memory;
    private final Tokenizer tokenizer = new Tokenizer();
    // one upload is read at a time, so that the free heap each one is measured against is really free
    private final ReentrantLock reading = new ReentrantLock();

    private final WordVectorsLibrary wordVectors;
    private final PretrainedEncoders encoders;

    TrainingUploadReader(JsonMapper json, Validator validator, SentimentProperties properties, MemoryBudget memory,
                         WordVectorsLibrary wordVectors, PretrainedEncoders encoders) {
        this.encoders = encoders;
        this.strictJson = json;
        this.validator = validator;
        this.memory = memory;
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
                wordVectors.defaultName().isPresent(), autoEncoders());
        List<String> teacherOnly = config.teacherOnlyFields();
        if (!teacherOnly.isEmpty()) {
            throw BadRequestException.forFields(teacherOnly.stream()
                    .map(f -> new BadRequestException.FieldError("config." + f, "needs config.teacher")).toList());
        }
        HyperParameters hp = resolved.hyperParameters();
        if (hp.engine() == HyperParameters.Engine.DL4J
                && (hp.pooling() == HyperParameters.Pooling.LAST_MAX || hp.spatialDropout() > 0)) {
            throw BadRequestException.forField("config.engine", "pooling last+max and spatialDropout need engine fused");
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
     * Reads the files as streams, tokenising each row as it is read, and prepares them for training.
     *
     * @param corrections stored corrections to add to the training rows, newest first (empty for none)
     * @throws InvalidDatasetException (422) when the data cannot be used
     * @throws InsufficientMemoryException (413) when it does not fit the memory budget
     */
    PreparedDataset data(Upload data, Upload validation, TrainingConfig.ResolvedTrainingConfig config,
                         List<DatasetParser.Row> corrections) {
        long bytes = data.size() + (validation == null ? 0 : validation.size());
        reading.lock();
        try {
            long start = System.nanoTime();
            MemoryBudget.Claim claim = memory.open(bytes);
            WordTable words = new WordTable(claim);
            PreparedDataset.FileRows train = read("data", data, config, words, claim);
            PreparedDataset.FileRows held = validation == null ? null : read("validation", validation, config, words, claim);
            int correctionsAdded = train.rows().appendNew(corrections);
            HyperParameters hp = config.hyperParameters();
            long read = System.nanoTime();
            PretrainedEncoder encoder = hp.usesEncoder() ? encoders.get(hp.encoder()) : null;
            // the encoders only some candidates read (the search's encoder candidate): the same rows as their pieces
            List<PretrainedEncoder> others = config.candidates().stream().map(c -> c.hyperParameters().encoder())
                    .filter(e -> e != null && !e.equals(hp.encoder())).distinct().map(encoders::get).toList();
            PreparedDataset prepared = PreparedDataset.prepare(train, held, words, config.validationSplit(), hp.seed(),
                    settings.minExamplesPerLabel(), hp, correctionsAdded, corrections.size() - correctionsAdded,
                    config.activate() == Activation.IF_BETTER, config.holdOutSentences(),
                    config.distillation() != null, encoder, others);
            if (encoder != null) {
                // the pieces take the place of the word ids counted per token, and are more: counted on top
                claim.add(Integer.BYTES * (pieceCount(prepared.train()) + pieceCount(prepared.validation())));
            }
            // every candidate the job cannot do without must fit, the bidirectional one needing the most; the
            // further encoders' views (the search's encoder candidates) are kept beside the word ids, counted in
            // full, and left out when they or their networks do not fit: their candidates are then skipped
            List<ConfigurationSearch.View> optional = new ArrayList<>();
            for (ConfigurationSearch.View view : prepared.encoderViews()) {
                optional.add(claim.addIfItFits(Integer.BYTES * (pieceCount(view.train()) + pieceCount(view.validation())))
                        ? view : ConfigurationSearch.View.leftOut(view.encoder(), "the " + view.encoder()
                        + " encoder's pieces of these rows do not fit the heap this upload may use"));
            }
            List<ConfigurationSearch.View> views = new ArrayList<>(prepared.views(hp.encoder()).subList(0, 1));
            views.addAll(optional);
            for (ConfigurationSearch.Candidate candidate : config.candidates()) {
                String reads = candidate.hyperParameters().encoder();
                int at = IntStream.range(0, views.size()).filter(v -> Objects.equals(views.get(v).encoder(), reads))
                        .findFirst().orElseThrow();
                ConfigurationSearch.View view = views.get(at);
                if (view.leftOut() != null) {
                    continue;
                }
                HyperParameters trained = reads == null ? candidate.hyperParameters()
                        : candidate.hyperParameters().withEmbeddingSize(encoders.get(reads).dimension());
                try {
                    memory.checkNetwork(trained, view.vocabulary().size(), prepared.labels().size());
                } catch (InsufficientMemoryException e) {
                    if (at == 0) {
                        throw e;
                    }
                    views.set(at, ConfigurationSearch.View.leftOut(reads, "a network over the " + reads
                            + " encoder's states does not fit the native memory free now"));
                }
            }
            prepared = prepared.withEncoderViews(views.subList(1, views.size()));
            long end = System.nanoTime();
            log.info("Read and prepared {} rows ({} MiB, {} distinct words) in {} s (reading {} s); {} MiB of heap counted",
                    prepared.report().rowsRead(), InsufficientMemoryException.mib(bytes), words.size(),
                    String.format("%.2f", (end - start) / 1e9), String.format("%.2f", (read - start) / 1e9),
                    InsufficientMemoryException.mib(claim.claimed()));
            return prepared;
        } catch (OutOfMemoryError e) {
            // what this upload held is unreachable once this frame is gone, so the service carries on
            throw InsufficientMemoryException.ranOut(bytes, memory.heap().max());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the uploaded file", e);
        } finally {
            reading.unlock();
        }
    }

    private PreparedDataset.FileRows read(String part, Upload upload, TrainingConfig.ResolvedTrainingConfig config,
                                        WordTable words, MemoryBudget.Claim claim) throws IOException {
        MessageDigest sha256 = sha256();
        TokenisedRows rows = new TokenisedRows(part, words, tokenizer, claim);
        DatasetParser.Summary summary;
        try (InputStream in = new DigestInputStream(upload.contents().open(), sha256);
             RowHandOff tokenising = new RowHandOff(rows)) {
            summary = parser.read(part, in, upload.filename(), config.textColumn(), config.labelColumn(), tokenising);
            tokenising.finish();
        }
        return new PreparedDataset.FileRows(summary, rows, HexFormat.of().formatHex(sha256.digest()));
    }

    private static long pieceCount(EncodedTexts texts) {
        long pieces = 0;
        for (int[] sequence : texts.sequences()) {
            pieces += sequence.length;
        }
        return pieces;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
