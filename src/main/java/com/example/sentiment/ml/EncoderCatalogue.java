package com.example.sentiment.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pretrained encoders a training setting can name, each made on first use and then shared by every caller.
 * Making one reads only its tokenizer; its ONNX Runtime session (about a second and 100 MB of native memory) opens
 * when it first computes states, so that a job's upload, split into pieces in the request thread, opens none. A
 * bundled encoder's width is known; a directory's encoder opens its session when asked for its width.
 *
 * <p>Two are bundled, from the int8 ONNX exports in the langchain4j model jars on the class path:
 * {@value #E5_SMALL} (e5-small-v2, MIT) and {@value #MINILM_L6} (all-MiniLM-L6-v2, Apache 2.0). An optional
 * directory adds more: each sub-folder {@code <name>/} holding {@code model.onnx} and {@code tokenizer.json} (a
 * BERT WordPiece tokenizer) becomes encoder {@code <name>} (a folder without both files, or whose name starts with
 * a dot, is passed over); the directory is listed once, when the catalogue is made.
 *
 * <p>Thread-safe. {@link #close()} closes the encoders it opened.
 */
public final class EncoderCatalogue implements PretrainedEncoders, AutoCloseable {

    /**
     * e5-small-v2, int8: 12 layers, 384 wide. It replaced e5-small-en-v1.5 (the same size and shape) when it scored
     * 2.2 points higher under the same LSTM on SST-2 dev; the image has room for two encoders' files.
     */
    public static final String E5_SMALL = "e5-small";
    /** all-MiniLM-L6-v2, int8: 6 layers, 384 wide, about twice as fast as {@value #E5_SMALL}. */
    public static final String MINILM_L6 = "minilm-l6";

    private static final String MODEL_FILE = "model.onnx";
    private static final String TOKENIZER_FILE = "tokenizer.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** The width of the bundled encoders' states: known, so that sizing a network opens no session. */
    static final int BUNDLED_DIMENSION = 384;

    /** The bundled encoders' files, at the class path's root. */
    static final Map<String, Resources> BUNDLED = Map.of(
            E5_SMALL, new Resources("e5-small-v2-q.onnx", "e5-small-v2-q-tokenizer.json"),
            MINILM_L6, new Resources("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json"));

    private final Map<String, Entry> entries;

    /**
     * @param directory where further encoders are, one sub-folder each (see the class description); null for the
     *                  bundled ones only
     * @throws IllegalArgumentException when the directory is not one, or a sub-folder would shadow a bundled name
     */
    public EncoderCatalogue(Path directory) {
        Map<String, Entry> all = new LinkedHashMap<>();
        for (String name : List.of(E5_SMALL, MINILM_L6)) {
            all.put(name, new Entry(name, BUNDLED.get(name)));
        }
        if (directory != null) {
            for (Path folder : encoderFolders(directory)) {
                String name = folder.getFileName().toString();
                if (all.containsKey(name)) {
                    throw new IllegalArgumentException("Encoder folder " + folder + " would replace the bundled encoder "
                            + name + ": give it another name");
                }
                all.put(name, new Entry(name, new Folder(folder)));
            }
        }
        this.entries = all;
    }

    private static List<Path> encoderFolders(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("The encoders directory " + directory + " is not a directory");
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(MODEL_FILE)) && Files.isRegularFile(p.resolve(TOKENIZER_FILE)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("The encoders directory " + directory + " could not be listed", e);
        }
    }

    /** Every encoder's name: the bundled ones first, then the directory's in alphabetical order. */
    @Override
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /**
     * The named encoder, made on the first call for it (its session opens on its first states).
     *
     * @throws IllegalArgumentException when there is no encoder of that name (the message lists those there are)
     * @throws IllegalStateException when its tokenizer cannot be read (ONNX Runtime refusing its model shows on the
     *                               encoder's first states, or first width for a directory's encoder)
     */
    @Override
    public PretrainedEncoder get(String name) {
        return entry(name).open();
    }

    /**
     * The hex SHA-256 of the encoder's ONNX file followed by its tokenizer file: what a model version records to
     * say exactly which encoder it was trained with. Computed once (it reads the files, not the session).
     *
     * @throws IllegalArgumentException when there is no encoder of that name
     */
    @Override
    public String fingerprint(String name) {
        return entry(name).fingerprint();
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("Unknown encoder '" + name + "'; available: " + String.join(", ", entries.keySet()));
        }
        return entry;
    }

    /** Closes every encoder opened so far; a later {@link #get} opens it again. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Entry entry : entries.values()) {
            try {
                entry.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Where an encoder's two files come from. */
    private interface Source {
        InputStream readModel() throws IOException;

        InputStream readTokenizer() throws IOException;

        OnnxEncoder encoder(String name, WordPieceTokenizer tokenizer);
    }

    /** Files at the class path's root, as the langchain4j model jars have them. */
    record Resources(String modelFile, String tokenizerFile) implements Source {
        @Override
        public InputStream readModel() throws IOException {
            return resource(modelFile);
        }

        @Override
        public InputStream readTokenizer() throws IOException {
            return resource(tokenizerFile);
        }

        @Override
        public OnnxEncoder encoder(String name, WordPieceTokenizer tokenizer) {
            return OnnxEncoder.of(name, tokenizer, BUNDLED_DIMENSION, (environment, options) -> {
                try (InputStream in = readModel()) {
                    return environment.createSession(in.readAllBytes(), options);
                }
            });
        }

        static InputStream resource(String file) throws IOException {
            InputStream in = EncoderCatalogue.class.getClassLoader().getResourceAsStream(file);
            if (in == null) {
                throw new IOException("the class path has no " + file + " (is its langchain4j jar missing?)");
            }
            return in;
        }
    }

    /** A sub-folder of the encoders directory. */
    private record Folder(Path folder) implements Source {
        @Override
        public InputStream readModel() throws IOException {
            return Files.newInputStream(folder.resolve(MODEL_FILE));
        }

        @Override
        public InputStream readTokenizer() throws IOException {
            return Files.newInputStream(folder.resolve(TOKENIZER_FILE));
        }

        @Override
        public OnnxEncoder encoder(String name, WordPieceTokenizer tokenizer) {
            // ONNX Runtime reads the file itself
            return OnnxEncoder.of(name, tokenizer, 0,
                    (environment, options) -> environment.createSession(folder.resolve(MODEL_FILE).toString(), options));
        }
    }

    /** One name of the catalogue: its source, and the encoder and fingerprint once made. */
    private static final class Entry {
        private final String name;
        private final Source source;
        private OnnxEncoder encoder;
        private String fingerprint;

        Entry(String name, Source source) {
            this.name = name;
            this.source = source;
        }

        /** Synchronised per entry, so that reading one tokenizer does not hold up callers of another encoder. */
        synchronized OnnxEncoder open() {
            if (encoder == null) {
                try (InputStream json = source.readTokenizer()) {
                    encoder = source.encoder(name, WordPieceTokenizer.read(json));
                } catch (IOException e) {
                    throw new IllegalStateException("Encoder " + name + " could not be read: " + e.getMessage(), e);
                }
            }
            return encoder;
        }

        synchronized String fingerprint() {
            if (fingerprint == null) {
                try {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    try (InputStream model = new DigestInputStream(source.readModel(), digest);
                         InputStream tokenizer = new DigestInputStream(source.readTokenizer(), digest)) {
                        // the digest sees the bytes on their way through
                        model.transferTo(OutputStream.nullOutputStream());
                        tokenizer.transferTo(OutputStream.nullOutputStream());
                    }
                    fingerprint = HexFormat.of().formatHex(digest.digest());
                } catch (IOException e) {
                    throw new IllegalStateException("Encoder " + name + " could not be read: " + e.getMessage(), e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("This JVM has no SHA-256", e);
                }
            }
            return fingerprint;
        }

        synchronized void close() {
            if (encoder != null) {
                OnnxEncoder open = encoder;
                encoder = null;
                open.close();
            }
        }
    }
}
