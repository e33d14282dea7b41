package com.example.sentiment.dataset;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextWindows;
import com.example.sentiment.ml.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads labelled files (CSV, TSV or JSON Lines) as streams, tokenising each row as it is read, and prepares them
 * for training, refusing anything wrong before a job exists: bad data with 422 ({@link InvalidDatasetException},
 * listing the problems with line numbers), data that does not fit the memory budget with 413
 * ({@link InsufficientMemoryException}). For the command-line tools it also reads a file's rows as they are.
 */
@Component
public class DatasetReader {

    private static final Logger log = LoggerFactory.getLogger(DatasetReader.class);

    /** An uploaded file: its name, its size and a way to read it (Spring keeps large uploads on disk). */
    public record Upload(String filename, long size, Contents contents) {
    }

    /** Opens the file's bytes: once to read the upload, once more when a shared queue stores it. */
    public interface Contents {
        InputStream open() throws IOException;
    }

    /** One usable row of a file; {@code line} is the 1-based line where it starts (0 for a stored correction). */
    public record Row(int line, String text, String label) {
    }

    private final SentimentProperties.Training settings;
    private final DatasetParser parser;
    private final MemoryBudget memory;
    private final Tokenizer tokenizer = new Tokenizer();
    // one upload is read at a time, so that the free heap each one is measured against is really free
    private final ReentrantLock reading = new ReentrantLock();
    private final PretrainedEncoders encoders;

    /**
     * @param encoders the encoders whose pieces the rows may be read as
     */
    @Autowired
    public DatasetReader(JsonMapper json, SentimentProperties properties, PretrainedEncoders encoders) {
        this(json, properties, encoders, new MemoryBudget());
    }

    DatasetReader(JsonMapper json, SentimentProperties properties, PretrainedEncoders encoders, MemoryBudget memory) {
        this.encoders = encoders;
        this.memory = memory;
        this.settings = properties.training();
        this.parser = new DatasetParser(json, settings.maxRows());
    }

    /** The texts of a CSV, TSV or JSON Lines file with a {@code text} column, in file order. */
    public static List<String> texts(Path file) throws IOException {
        return rows(file).stream().map(Row::text).toList();
    }

    /** The rows (line, text, label) of such a file with {@code text} and {@code label} columns, read like an upload. */
    public static List<Row> rows(Path file) throws IOException {
        DatasetParser parser = new DatasetParser(JsonMapper.builder().build(), Integer.MAX_VALUE);
        try (InputStream in = Files.newInputStream(file)) {
            return parser.parse(file.getFileName().toString(), in, file.getFileName().toString(), "text", "label").rows();
        }
    }

    /**
     * The heap the memory budget counts as free now: the limit, less what is used and a share kept for the rest
     * of the service.
     */
    public long freeHeap() {
        return memory.heap().free();
    }

    /**
     * Reads the files as streams, tokenising each row as it is read, and prepares them for training.
     *
     * @param validation the validation file, or null to hold out a split of {@code data}
     * @throws InvalidDatasetException (422) when the data cannot be used
     * @throws InsufficientMemoryException (413) when it does not fit the memory budget
     */
    public PreparedDataset read(Upload data, Upload validation, DatasetOptions options) {
        long bytes = data.size() + (validation == null ? 0 : validation.size());
        List<Row> corrections = options.corrections().stream().map(c -> new Row(0, c.text(), c.label())).toList();
        reading.lock();
        try {
            long start = System.nanoTime();
            MemoryBudget.Claim claim = memory.open(bytes);
            WordTable words = new WordTable(claim);
            PreparedDataset.FileRows train = read("data", data, options, words, claim);
            PreparedDataset.FileRows held = validation == null ? null : read("validation", validation, options, words, claim);
            int correctionsAdded = train.rows().appendNew(corrections);
            HyperParameters hp = options.hyperParameters();
            long read = System.nanoTime();
            PretrainedEncoder encoder = hp.usesEncoder() ? encoders.get(hp.encoder()) : null;
            // the encoders only some candidates read (the search's encoder candidate): the same rows as their pieces
            List<PretrainedEncoder> others = options.candidates().stream().map(c -> c.hyperParameters().encoder())
                    .filter(e -> e != null && !e.equals(hp.encoder())).distinct().map(encoders::get).toList();
            PreparedDataset prepared = PreparedDataset.prepare(train, held, words, options.validationSplit(), hp.seed(),
                    settings.minExamplesPerLabel(), hp, correctionsAdded, corrections.size() - correctionsAdded,
                    options.keepHeldOutTexts(), options.holdOutSentences(), options.keepTokens(), encoder, others,
                    options.task(), options.labelSeparator());
            if (encoder != null) {
                // the pieces take the place of the word ids counted per token, and are more: counted on top
                claim.add(Integer.BYTES * (pieceCount(prepared.train()) + pieceCount(prepared.validation())));
            }
            // long texts read in windows (longText chunk): the windows' copies that training makes, on top of the
            // texts (kept whole, each token counted above)
            claim.add(TextWindows.trainingBytes(prepared.train(), hp) + TextWindows.trainingBytes(prepared.validation(), hp));
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
            for (ConfigurationSearch.Candidate candidate : options.candidates()) {
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

    private PreparedDataset.FileRows read(String part, Upload upload, DatasetOptions options, WordTable words,
                                          MemoryBudget.Claim claim) throws IOException {
        MessageDigest sha256 = sha256();
        TokenisedRows rows = new TokenisedRows(part, words, tokenizer, claim);
        DatasetParser.Summary summary;
        try (InputStream in = new DigestInputStream(upload.contents().open(), sha256);
             RowHandOff tokenising = new RowHandOff(rows)) {
            summary = parser.read(part, in, upload.filename(), options.textColumn(), options.labelColumn(),
                    options.labelSeparator(), tokenising);
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
