package com.example.sentiment.ml;

import ai.onnxruntime.OrtException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trained classifier: the network with the vocabulary and labels it was trained with, or an ensemble of
 * networks of one architecture (trained from different seeds) whose probabilities are averaged. A network may
 * read a frozen pretrained encoder's states instead of an embedding of words: the encoder then runs once per
 * batch of texts, for all members of an ensemble, and its version records which encoder that was.
 *
 * <p>Safe to call from many threads. Every architecture the service trains runs through {@link FusedLstmForward},
 * which is immutable, or, in a classifier {@link #servedBy served by} ONNX Runtime, through {@link OnnxForward}
 * (one session for all members of an ensemble); other architectures borrow one of the network replicas per
 * call (DL4J serialises calls on one network). Texts are sorted by length and run in batches of similar length
 * so that short texts do not pay for long ones.
 */
public final class TextClassifier {

    /** File names inside a model version's folder. */
    public static final String NETWORK_FILE = "model.zip";
    public static final String VOCABULARY_FILE = "vocabulary.txt";
    /** The labels as a JSON array of strings, written since labels may hold any character. */
    public static final String LABELS_FILE = "labels.json";
    /**
     * The labels one a line, as earlier releases wrote (and still read) them: written too, so that a replica of
     * an earlier release can load a new version during a rolling upgrade, and read when there is no
     * {@link #LABELS_FILE} (the versions of earlier releases). A label cannot hold a line break since uploads
     * and corrections refuse control characters in labels.
     */
    public static final String LABELS_LINES_FILE = "labels.txt";
    /**
     * The encoder a network reads the states of, when it does: {@code {"name", "dimension", "fingerprint"}}. A
     * version without it reads word ids, as every version before encoders did.
     */
    public static final String ENCODER_FILE = "encoder.json";
    /**
     * A multi-label version's decision thresholds, one per label in label order, as a JSON array of numbers
     * (tuned on the job's validation split); absent for a single-label version.
     */
    public static final String THRESHOLDS_FILE = "thresholds.json";
    /** Every file {@link #save} may write: a version's further files (beside these) can never take one's place. */
    public static final java.util.Set<String> FILES = java.util.Set.of(NETWORK_FILE, VOCABULARY_FILE, LABELS_FILE,
            LABELS_LINES_FILE, ENCODER_FILE, THRESHOLDS_FILE);

    private static final Logger LOG = LoggerFactory.getLogger(TextClassifier.class);
    private static final JsonMapper LABELS_JSON = JsonMapper.builder().build();
    private static final int MAX_FORWARD_BATCH = 128;
    // the other members of an ensemble live inside the first one's network file, as parameter vectors
    private static final String MEMBER_ENTRY = "ensemble-member-";

    private final MultiLayerNetwork network;
    private final BlockingQueue<MultiLayerNetwork> replicas;
    private final Vocabulary vocabulary;
    // null when the network reads word ids through its embedding layer
    private final ModelEncoder encoder;
    private final List<String> labels;
    private final int maxSequenceLength;
    private final Tokenizer tokenizer = new Tokenizer();
    private final FusedLstmForward fused;
    // the whole classifier's (every ensemble member's) pass on ONNX Runtime; null when it is not served by it.
    // Set in place (see servedBy), so that the classifier a job trained is itself the one served
    private volatile OnnxForward onnx;
    // further ensemble members (empty for a single network); each is a classifier of one network
    private final List<TextClassifier> others;
    // how a text longer than maxSequenceLength is read; set in place before the classifier serves (see
    // readingLongText), as a version's settings say
    private volatile LongText longText = LongText.TRUNCATE;
    private volatile int longTextStride;
    // this classifier reading long texts otherwise, made on a request's demand (see reading)
    private final Map<LongText, TextClassifier> readers = new java.util.EnumMap<>(LongText.class);
    // temperature scaling of the answers' probabilities (Calibration); 1 for none. Set in place, as onnx
    private volatile double temperature = 1;
    // a multi-label network ends in one sigmoid per label; its decision thresholds (set after tuning, or loaded)
    private final boolean multiLabel;
    private volatile double[] thresholds;

    TextClassifier(MultiLayerNetwork network, Vocabulary vocabulary, List<String> labels, int maxSequenceLength) {
        this(network, vocabulary, labels, maxSequenceLength, null);
    }

    /** @param encoder the encoder whose states the network reads, or null when it reads word ids */
    TextClassifier(MultiLayerNetwork network, Vocabulary vocabulary, List<String> labels, int maxSequenceLength,
                   ModelEncoder encoder) {
        this(network, vocabulary, labels, maxSequenceLength, encoder, List.of());
    }

    private TextClassifier(MultiLayerNetwork network, Vocabulary vocabulary, List<String> labels, int maxSequenceLength,
                           ModelEncoder encoder, List<TextClassifier> others) {
        this.network = network;
        this.replicas = new LinkedBlockingQueue<>(List.of(network));
        this.vocabulary = vocabulary;
        this.encoder = encoder;
        this.labels = List.copyOf(labels);
        this.maxSequenceLength = maxSequenceLength;
        this.fused = FusedLstmForward.of(network).orElse(null);
        this.others = List.copyOf(others);
        this.multiLabel = LstmArchitecture.endsInSigmoids(network);
        this.thresholds = multiLabel ? MultiLabelEvaluation.defaultThresholds(this.labels.size()) : null;
    }

    /** Whether the network gives each label an independent probability (several labels per text). */
    public boolean multiLabel() {
        return multiLabel;
    }

    /** A multi-label classifier's decision thresholds, in label order (a copy); null for a single-label one. */
    public double[] thresholds() {
        double[] t = thresholds;
        return t == null ? null : t.clone();
    }

    /** Sets a multi-label classifier's thresholds (one per label), and returns it; call before it serves. */
    TextClassifier withThresholds(double[] tuned) {
        if (!multiLabel || tuned.length != labels.size()) {
            throw new IllegalArgumentException("thresholds are for a multi-label classifier, one per label");
        }
        this.thresholds = tuned.clone();
        synchronized (readers) {
            readers.values().forEach(reader -> reader.thresholds = tuned.clone());
        }
        return this;
    }

    /** The same classifier reading long texts as {@code mode}: its networks, replicas and passes shared. */
    private TextClassifier(TextClassifier base, LongText mode) {
        this.network = base.network;
        this.replicas = base.replicas;
        this.vocabulary = base.vocabulary;
        this.encoder = base.encoder;
        this.labels = base.labels;
        this.maxSequenceLength = base.maxSequenceLength;
        this.fused = base.fused;
        this.onnx = base.onnx;
        this.others = base.others;
        this.longText = mode;
        this.longTextStride = base.longTextStride;
        this.temperature = base.temperature;
        this.multiLabel = base.multiLabel;
        this.thresholds = base.thresholds;
    }

    /**
     * One classifier whose probabilities are the mean of the members'. The members share one vocabulary (or
     * encoder), label set and architecture (as seeds of one configuration trained on the same data do).
     */
    static TextClassifier ensemble(List<TextClassifier> members) {
        TextClassifier first = members.get(0);
        for (TextClassifier m : members) {
            if (m.vocabularySize() != first.vocabularySize() || !java.util.Objects.equals(m.encoder, first.encoder)
                    || !m.labels.equals(first.labels) || m.network.numParams() != first.network.numParams()) {
                throw new IllegalArgumentException(
                        "ensemble members must share vocabulary, encoder, labels and architecture");
            }
        }
        List<TextClassifier> rest = members.subList(1, members.size()).stream()
                .map(m -> new TextClassifier(m.network, first.vocabulary, first.labels, first.maxSequenceLength,
                        first.encoder))
                .toList();
        return new TextClassifier(first.network, first.vocabulary, first.labels, first.maxSequenceLength,
                first.encoder, rest);
    }

    /** Networks whose probabilities are averaged: 1 for a single model. */
    public int ensembleSize() {
        return 1 + others.size();
    }

    /**
     * Gives this classifier {@code count} copies of its network so that as many threads classify in parallel
     * (DL4J serialises calls on one network). Call before it serves.
     */
    public TextClassifier withReplicas(int count) {
        if (fused != null) {
            return this; // the fused path shares its immutable weights between threads
        }
        for (int i = replicas.size(); i < count; i++) {
            replicas.add(network.clone());
        }
        others.forEach(m -> m.withReplicas(count));
        return this;
    }

    /**
     * Runs this classifier's forward passes on {@code engine} from now on, and returns it: for
     * {@link InferenceEngine#ONNX}, on a graph written from the networks' weights here (so a version saved
     * before ONNX Runtime served serves on it too). An architecture the graph does not cover, or a graph ONNX
     * Runtime refuses, keeps the passes it has (logged). Call before it serves, as {@link #withReplicas}.
     */
    public TextClassifier servedBy(InferenceEngine engine) {
        if (engine != InferenceEngine.ONNX) {
            onnx = null;
            return this;
        }
        if (onnx != null || fused == null) {
            return this;
        }
        List<MultiLayerNetwork> members = new java.util.ArrayList<>();
        members.add(network);
        others.forEach(m -> members.add(m.network));
        try {
            onnx = new OnnxForward(members);
        } catch (OrtException | IllegalArgumentException e) {
            LOG.warn("serving through the fused lstmLayer path: ONNX Runtime cannot run this model ({})",
                    e.getMessage(), e);
        }
        return this;
    }

    /**
     * Divides the log-probabilities of every answer from now on by {@code temperature} (temperature scaling, see
     * {@link Calibration}), and returns this classifier; 1 answers the network's probabilities as they are. The
     * most probable label never changes. {@link #predictedLabels} and evaluation are unaffected.
     */
    public TextClassifier calibratedBy(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        this.temperature = temperature;
        synchronized (readers) {
            readers.values().forEach(reader -> reader.temperature = temperature);
        }
        return this;
    }

    /** The temperature the answers' probabilities are scaled by (1 for none). */
    public double temperature() {
        return temperature;
    }

    /**
     * {@link InferenceEngine#ONNX} when this classifier's forward passes run on ONNX Runtime; otherwise
     * {@link InferenceEngine#FUSED} (the fused path, or DL4J's network for an architecture neither covers).
     */
    public InferenceEngine engine() {
        return onnx != null ? InferenceEngine.ONNX : InferenceEngine.FUSED;
    }

    /** Loads the files written by {@link #save(Path)}, of a version that reads word ids. */
    public static TextClassifier load(Path directory, int maxSequenceLength) throws IOException {
        return load(directory, maxSequenceLength, PretrainedEncoders.NONE);
    }

    /**
     * Loads the files written by {@link #save(Path)}; a version that reads an encoder's states loads only when
     * {@code encoders} has that encoder, with the fingerprint it was trained with.
     */
    public static TextClassifier load(Path directory, int maxSequenceLength, PretrainedEncoders encoders)
            throws IOException {
        Vocabulary vocabulary = Vocabulary.read(directory.resolve(VOCABULARY_FILE));
        List<String> labels = readLabels(directory);
        ModelEncoder encoder = readEncoder(directory, encoders);
        MultiLayerNetwork network;
        try {
            network = ModelDeserializationFilter.whileLoading(
                    () -> ModelSerializer.restoreMultiLayerNetwork(directory.resolve(NETWORK_FILE).toFile(), false));
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the network file: " + refusal(e), e);
        }
        long outputs = network.layerSize(network.getnLayers() - 1);
        if (labels.size() < 2 || outputs != labels.size()) {
            throw new IOException("labels file has " + labels.size() + " labels but the network has " + outputs + " outputs");
        }
        boolean readsWords = network.getLayerWiseConfigurations().getConf(0).getLayer()
                instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
        if (readsWords == (encoder != null)) {
            throw new IOException(readsWords ? ENCODER_FILE + " names an encoder but the network reads word ids"
                    : "the network reads an encoder's states but the version has no " + ENCODER_FILE);
        }
        List<TextClassifier> others = new java.util.ArrayList<>();
        try {
            File file = directory.resolve(NETWORK_FILE).toFile();
            List<String> entries = ModelSerializer.listObjectsInFile(file).stream()
                    .filter(e -> e.startsWith(MEMBER_ENTRY)).sorted(java.util.Comparator.comparingInt(
                            e -> Integer.parseInt(e.substring(MEMBER_ENTRY.length())))).toList();
            for (String entry : entries) {
                byte[] params = ModelDeserializationFilter.whileLoading(
                        () -> ModelSerializer.getObjectFromFile(file, entry));
                MultiLayerNetwork member = network.clone();
                member.setParams(Nd4j.fromByteArray(params).castTo(network.params().dataType()));
                others.add(new TextClassifier(member, vocabulary, labels, maxSequenceLength, encoder));
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot read the ensemble members: " + refusal(e), e);
        }
        TextClassifier loaded = new TextClassifier(network, vocabulary, labels, maxSequenceLength, encoder, others);
        Path thresholdsFile = directory.resolve(THRESHOLDS_FILE);
        if (loaded.multiLabel && Files.exists(thresholdsFile)) {
            double[] thresholds;
            try {
                thresholds = LABELS_JSON.readValue(thresholdsFile.toFile(), double[].class);
            } catch (JacksonException e) {
                throw new IOException(THRESHOLDS_FILE + " is not an array of numbers: " + e.getOriginalMessage(), e);
            }
            if (thresholds == null || thresholds.length != labels.size()) {
                throw new IOException(THRESHOLDS_FILE + " must hold one threshold per label (" + labels.size() + ")");
            }
            loaded.withThresholds(thresholds);
        }
        return loaded;
    }

    /** What {@link #ENCODER_FILE} records. */
    private record EncoderFile(String name, int dimension, String fingerprint) {
    }

    /** The encoder the version in {@code directory} was trained with, from {@code encoders}; null for none. */
    private static ModelEncoder readEncoder(Path directory, PretrainedEncoders encoders) throws IOException {
        Path file = directory.resolve(ENCODER_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        EncoderFile recorded;
        try {
            recorded = LABELS_JSON.readValue(file.toFile(), EncoderFile.class);
        } catch (JacksonException e) {
            throw new IOException(ENCODER_FILE + " is not {\"name\", \"dimension\", \"fingerprint\"}: "
                    + e.getOriginalMessage(), e);
        }
        if (recorded == null || recorded.name() == null || recorded.fingerprint() == null) {
            throw new IOException(ENCODER_FILE + " is not {\"name\", \"dimension\", \"fingerprint\"}");
        }
        if (!encoders.has(recorded.name())) {
            throw new IOException("the version was trained on the states of encoder '" + recorded.name()
                    + "', which this service does not have (it has " + (encoders.names().isEmpty() ? "none"
                    : String.join(", ", encoders.names())) + ")");
        }
        String fingerprint = encoders.fingerprint(recorded.name());
        if (!recorded.fingerprint().equals(fingerprint)) {
            throw new IOException("the version was trained on the states of another build of encoder '"
                    + recorded.name() + "' (fingerprint " + recorded.fingerprint() + ") than this service has ("
                    + fingerprint + "): it would read states it never learned from");
        }
        ModelEncoder encoder = new ModelEncoder(recorded.name(), fingerprint, encoders.get(recorded.name()));
        if (encoder.dimension() != recorded.dimension()) {
            throw new IOException("encoder '" + recorded.name() + "' gives " + encoder.dimension()
                    + " values a piece, the version was trained on " + recorded.dimension());
        }
        return encoder;
    }

    /** The reason a file could not be read, in words: a refusal of the deserialization filter says so. */
    private static String refusal(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.InvalidClassException) {
                return "it holds serialized objects that a model file does not (refused by the deserialization "
                        + "filter: " + cause.getMessage() + ")";
            }
        }
        return e.getMessage();
    }

    /**
     * Writes the network (without optimiser state), the vocabulary, the labels and the encoder, if any, into
     * {@code directory}; an ensemble's further members go into the same network file as parameter vectors (one
     * architecture).
     */
    public void save(Path directory) throws IOException {
        File file = directory.resolve(NETWORK_FILE).toFile();
        ModelSerializer.writeModel(network, file, false);
        for (int i = 0; i < others.size(); i++) {
            ModelSerializer.addObjectToFile(file, MEMBER_ENTRY + (i + 1), Nd4j.toByteArray(others.get(i).network.params()));
        }
        vocabulary.write(directory.resolve(VOCABULARY_FILE));
        Files.write(directory.resolve(LABELS_FILE), LABELS_JSON.writeValueAsBytes(labels));
        if (labels.stream().noneMatch(l -> l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0)) {
            Files.write(directory.resolve(LABELS_LINES_FILE), labels, StandardCharsets.UTF_8);
        }
        if (encoder != null) {
            Files.write(directory.resolve(ENCODER_FILE), LABELS_JSON.writeValueAsBytes(
                    new EncoderFile(encoder.name(), encoder.dimension(), encoder.fingerprint())));
        }
        if (multiLabel) {
            Files.write(directory.resolve(THRESHOLDS_FILE), LABELS_JSON.writeValueAsBytes(thresholds));
        }
    }

    private static List<String> readLabels(Path directory) throws IOException {
        Path json = directory.resolve(LABELS_FILE);
        if (!Files.exists(json)) {
            return Files.readAllLines(directory.resolve(LABELS_LINES_FILE), StandardCharsets.UTF_8);
        }
        try {
            List<String> labels = LABELS_JSON.readValue(json.toFile(), new TypeReference<List<String>>() { });
            if (labels == null || labels.contains(null)) {
                throw new IOException(LABELS_FILE + " is not an array of strings");
            }
            return labels;
        } catch (JacksonException e) {
            throw new IOException(LABELS_FILE + " is not an array of strings: " + e.getOriginalMessage(), e);
        }
    }

    public List<String> labels() {
        return labels;
    }

    public int vocabularySize() {
        return vocabulary.size();
    }

    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    public long parameterCount() {
        return network.numParams() + others.stream().mapToLong(TextClassifier::parameterCount).sum();
    }

    public Prediction classify(String text) {
        return classify(List.of(text)).get(0);
    }

    /** Classifies every text; the answers are in the order of the texts. */
    public List<Prediction> classify(List<String> texts) {
        return classifyTokenized(texts.stream().map(tokenizer::tokenize).toList());
    }

    /** The tokens of {@code text} as this classifier reads them (all of them, before truncation). */
    public List<String> tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /**
     * Classifies texts that are already tokens (as {@link #tokenize} gives them), through the same
     * length-sorted batched path as {@link #classify(List)}; the answers are in the order of the inputs. With an
     * encoder, each text's tokens become the encoder's pieces ({@link EncoderPieces}). A text longer than the model
     * reads is read as this classifier reads long texts ({@link #readingLongText}).
     */
    public List<Prediction> classifyTokenized(List<List<String>> tokenised) {
        return classifyTokenized(tokenised, longText);
    }

    /**
     * The same, reading a text of more than {@link #maxSequenceLength} tokens (pieces) as {@code mode} says: its
     * first ones ({@link LongText#TRUNCATE}, the answer says {@code truncated}), or all of them in overlapping
     * windows ({@link LongText#CHUNK}) that run in the same batches as the other texts, the text's probabilities
     * being the mean of its windows'.
     */
    public List<Prediction> classifyTokenized(List<List<String>> tokenised, LongText mode) {
        int n = tokenised.size();
        List<int[]> windows = new java.util.ArrayList<>(n);
        // the windows of text i are firstWindow[i] .. firstWindow[i + 1] - 1
        int[] firstWindow = new int[n + 1];
        int[] read = new int[n];
        boolean[] truncated = new boolean[n];
        // -1 for a model that reads an encoder's pieces: it has no vocabulary of words
        int[] unknown = new int[n];
        Arrays.fill(unknown, -1);
        boolean chunk = mode == LongText.CHUNK;
        int stride = longTextStride;
        for (int i = 0; i < n; i++) {
            firstWindow[i] = windows.size();
            List<String> tokens = tokenised.get(i);
            if (encoder == null) {
                if (chunk && tokens.size() > maxSequenceLength) {
                    int[] ids = vocabulary.encode(tokens, tokens.size());
                    windows.addAll(Arrays.asList(TextWindows.of(ids, false, maxSequenceLength, stride)));
                    read[i] = tokens.size();
                    unknown[i] = unknownWords(ids, read[i]);
                } else {
                    int[] ids = vocabulary.encode(tokens, maxSequenceLength);
                    windows.add(ids);
                    read[i] = Math.min(tokens.size(), maxSequenceLength);
                    truncated[i] = tokens.size() > maxSequenceLength;
                    unknown[i] = unknownWords(ids, read[i]);
                }
            } else if (chunk) {
                int[] pieces = EncoderPieces.whole(encoder.encoder(), tokens, maxSequenceLength);
                windows.addAll(Arrays.asList(TextWindows.of(pieces, true, maxSequenceLength, stride)));
                // the pieces of the text, without the encoder's start and end markers
                read[i] = Math.max(0, pieces.length - 2);
            } else {
                EncoderPieces.Cut cut = encoder.pieces(tokens, maxSequenceLength);
                windows.add(cut.pieces());
                read[i] = Math.max(0, cut.pieces().length - 2);
                truncated[i] = cut.truncated();
            }
        }
        firstWindow[n] = windows.size();
        return predictions(windows.toArray(new int[0][]), firstWindow, read, truncated, unknown);
    }

    /**
     * Classifies texts already encoded for this classifier (word ids of its vocabulary, or its encoder's pieces
     * with their start and end markers, cut to its maximum length), such as a training job's validation rows:
     * the same answers as for the texts themselves, with the tokens read and the unknown words among them as a
     * classification of the text counts them. Whether a row was cut is not known here (false).
     */
    public List<Prediction> classifyEncoded(EncodedTexts texts) {
        int[][] sequences = texts.sequences();
        int n = sequences.length;
        int[] read = new int[n];
        int[] unknown = new int[n];
        int[] firstWindow = new int[n + 1];
        for (int i = 0; i < n; i++) {
            // a row is never empty (uploads skip empty rows), so a row of one unknown id is one unknown word
            read[i] = encoder != null ? Math.max(0, sequences[i].length - 2) : sequences[i].length;
            unknown[i] = unknownWords(sequences[i], read[i]);
            firstWindow[i + 1] = i + 1;
        }
        return predictions(sequences, firstWindow, read, new boolean[n], unknown);
    }

    /**
     * Runs the windows in length-sorted batches; text {@code i}'s windows are {@code firstWindow[i] ..
     * firstWindow[i + 1] - 1}, and its probabilities the mean of theirs.
     */
    private List<Prediction> predictions(int[][] sequences, int[] firstWindow, int[] read, boolean[] truncated,
                                         int[] unknown) {
        int n = read.length;
        float[][] probabilities = new float[sequences.length][];
        int[] order = sortedByLength(lengths(sequences));
        for (int from = 0; from < sequences.length; from += MAX_FORWARD_BATCH) {
            int to = Math.min(sequences.length, from + MAX_FORWARD_BATCH);
            float[][] rows = batchProbabilities(sequences, order, from, to);
            for (int r = from; r < to; r++) {
                probabilities[order[r]] = rows[r - from];
            }
        }
        Prediction[] out = new Prediction[n];
        for (int i = 0; i < n; i++) {
            int chunks = firstWindow[i + 1] - firstWindow[i];
            // a long text's probabilities: the mean of its windows', or for a multi-label model each label's
            // highest (a label shown in any window is the text's)
            float[] aggregate = multiLabel ? maxOf(probabilities, firstWindow[i], chunks)
                    : meanOf(probabilities, firstWindow[i], chunks);
            out[i] = prediction(aggregate, read[i], truncated[i], unknown[i],
                    chunks);
        }
        return Arrays.asList(out);
    }

    /** The column-wise maximum of rows {@code from .. from + count - 1}: the row itself when there is one. */
    static float[] maxOf(float[][] rows, int from, int count) {
        float[] max = rows[from].clone();
        for (int r = from + 1; r < from + count; r++) {
            for (int c = 0; c < max.length; c++) {
                max[c] = Math.max(max[c], rows[r][c]);
            }
        }
        return max;
    }

    /** The mean of rows {@code from .. from + count - 1}: the row itself when there is one. */
    static float[] meanOf(float[][] rows, int from, int count) {
        if (count == 1) {
            return rows[from];
        }
        float[] mean = new float[rows[from].length];
        for (int r = from; r < from + count; r++) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] += rows[r][c];
            }
        }
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= count;
        }
        return mean;
    }

    /**
     * Reads texts longer than {@link #maxSequenceLength} as {@code mode} says from now on (a version's
     * {@link HyperParameters#longTextReading()}), windows {@code stride} tokens apart (0 = half a window); returns
     * this classifier. Call before it serves, as {@link #withReplicas}.
     */
    public TextClassifier readingLongText(LongText mode, int stride) {
        this.longText = mode == null ? LongText.TRUNCATE : mode;
        this.longTextStride = Math.max(0, stride);
        return this;
    }

    /**
     * This classifier, or one that shares its networks and reads texts longer than {@link #maxSequenceLength} as
     * {@code mode} says (a request's choice); null keeps this one's. The same object for the same mode, so that
     * the inference batcher batches its requests together.
     */
    public TextClassifier reading(LongText mode) {
        if (mode == null || mode == longText) {
            return this;
        }
        synchronized (readers) {
            return readers.computeIfAbsent(mode, m -> new TextClassifier(this, m));
        }
    }

    /** How this classifier reads a text longer than {@link #maxSequenceLength}. */
    public LongText longText() {
        return longText;
    }

    /**
     * The unknown words among the {@code read} ids of a sequence (a drift signal: live texts whose words the
     * model never saw); -1 for a model that reads an encoder's pieces, which has no vocabulary of words.
     */
    private int unknownWords(int[] sequence, int read) {
        if (encoder != null) {
            return -1;
        }
        int unknown = 0;
        for (int k = 0; k < read; k++) {
            if (sequence[k] == Vocabulary.UNKNOWN_ID) {
                unknown++;
            }
        }
        return unknown;
    }

    /**
     * The most probable label's index for each of the sequences (word ids, or the encoder's pieces), in their
     * order (ensembles averaged).
     */
    int[] predictedLabels(int[][] sequences) {
        int[] order = sortedByLength(lengths(sequences));
        return predictedLabels(order, (from, to) -> batchProbabilities(sequences, order, from, to));
    }

    /** The same for texts already turned into the network's input, such as a job's encoder states. */
    int[] predictedLabels(SequenceFeatures features) {
        int[] lengths = new int[features.size()];
        Arrays.setAll(lengths, features::length);
        int[] order = sortedByLength(lengths);
        return predictedLabels(order, (from, to) -> probabilities(features, order, from, to));
    }

    /**
     * The same for rows that are windows of texts ({@code windows}; null when every row is a text): each text's
     * label from the mean of its windows' probabilities, in text order.
     */
    int[] predictedLabels(SequenceFeatures features, TrainingInputs.Windows windows) {
        if (windows == null) {
            return predictedLabels(features);
        }
        int[] lengths = new int[features.size()];
        Arrays.setAll(lengths, features::length);
        int[] order = sortedByLength(lengths);
        float[][] sums = new float[windows.texts()][labels.size()];
        for (int from = 0; from < order.length; from += MAX_FORWARD_BATCH) {
            int to = Math.min(order.length, from + MAX_FORWARD_BATCH);
            float[][] rows = probabilities(features, order, from, to);
            for (int r = from; r < to; r++) {
                float[] sum = sums[windows.textOf()[order[r]]];
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += rows[r - from][c];
                }
            }
        }
        int[] predicted = new int[sums.length];
        for (int t = 0; t < sums.length; t++) {
            for (int c = 1; c < sums[t].length; c++) {
                if (sums[t][c] > sums[t][predicted[t]]) {
                    predicted[t] = c;
                }
            }
        }
        return predicted;
    }

    /** The probabilities of the texts {@code order[from..to)}. */
    private interface BatchProbabilities {
        float[][] of(int from, int to);
    }

    private static int[] predictedLabels(int[] order, BatchProbabilities probabilities) {
        int[] predicted = new int[order.length];
        for (int from = 0; from < order.length; from += MAX_FORWARD_BATCH) {
            int to = Math.min(order.length, from + MAX_FORWARD_BATCH);
            float[][] rows = probabilities.of(from, to);
            for (int r = from; r < to; r++) {
                float[] row = rows[r - from];
                int best = 0;
                for (int c = 1; c < row.length; c++) {
                    if (row[c] > row[best]) {
                        best = c;
                    }
                }
                predicted[order[r]] = best;
            }
        }
        return predicted;
    }

    /**
     * The probabilities of the sequences {@code order[from..to)}: word ids as they are, or the encoder's pieces,
     * whose states are computed here once for every member of an ensemble.
     */
    private float[][] batchProbabilities(int[][] sequences, int[] order, int from, int to) {
        if (encoder == null) {
            return probabilities(new TokenIds(sequences), order, from, to);
        }
        List<int[]> batch = new java.util.ArrayList<>(to - from);
        for (int r = from; r < to; r++) {
            batch.add(sequences[order[r]]);
        }
        StepVectors states = StepVectors.of(encoder.encoder().states(batch), encoder.dimension());
        int[] rows = new int[to - from];
        Arrays.setAll(rows, r -> r);
        return probabilities(states, rows, 0, rows.length);
    }

    /** The rows' probabilities: the network's, or the mean of the ensemble members'. */
    float[][] probabilities(SequenceFeatures features, int[] order, int from, int to) {
        OnnxForward onnxForward = onnx;
        if (onnxForward != null) {
            return onnxForward.probabilities(features, order, from, to);
        }
        float[][] rows = ownProbabilities(features, order, from, to);
        if (others.isEmpty()) {
            return rows;
        }
        for (TextClassifier member : others) {
            float[][] theirs = member.ownProbabilities(features, order, from, to);
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < rows[r].length; c++) {
                    rows[r][c] += theirs[r][c];
                }
            }
        }
        float members = ensembleSize();
        for (float[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                row[c] /= members;
            }
        }
        return rows;
    }

    /** This network's own probabilities, without the other ensemble members. */
    float[][] ownProbabilities(SequenceFeatures features, int[] order, int from, int to) {
        return fused != null ? fused.probabilities(features, order, from, to)
                : networkProbabilities(features, order, from, to);
    }

    /** The same probabilities through the DL4J network, whatever the architecture. */
    float[][] networkProbabilities(SequenceFeatures features, int[] rows, int from, int to) {
        // DL4J's own LSTM reads step vectors as [n, E, T]; the fused layer and an embedding read the default
        HyperParameters.Engine engine = network.getLayer(0) instanceof FusedLstmLayer
                ? HyperParameters.Engine.FUSED : HyperParameters.Engine.DL4J;
        return forward(features.forEngine(engine).featuresAndMask(rows, from, to)).toFloatMatrix();
    }

    /** The same for token-id sequences. */
    float[][] networkProbabilities(int[][] sequences, int[] rows, int from, int to) {
        return networkProbabilities(new TokenIds(sequences), rows, from, to);
    }

    /** Layer {@code index} of the network, for tests of what an engine builds. */
    org.deeplearning4j.nn.api.Layer networkLayer(int index) {
        return network.getLayer(index);
    }

    /** The pass on ONNX Runtime, when this classifier is served by it; for tests. */
    OnnxForward onnx() {
        return onnx;
    }

    /** The fused path, when the architecture has one; package-private so a test can compare the two. */
    FusedLstmForward fused() {
        return fused;
    }

    private INDArray forward(INDArray[] featuresAndMask) {
        MultiLayerNetwork replica;
        try {
            replica = replicas.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a network replica", e);
        }
        try {
            return replica.output(featuresAndMask[0], false, featuresAndMask[1], null);
        } finally {
            replicas.add(replica);
        }
    }

    /**
     * A multi-label classifier's figures on texts with their label sets ({@link MultiLabelEvaluation#report}), at
     * its thresholds.
     */
    public EvaluationReport evaluateMultiLabel(List<String> texts, List<java.util.Set<String>> labelSets) {
        List<Prediction> predictions = classify(texts);
        boolean[][] truth = new boolean[texts.size()][labels.size()];
        boolean[][] predicted = new boolean[texts.size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            for (int c = 0; c < labels.size(); c++) {
                truth[i][c] = labelSets.get(i).contains(labels.get(c));
                predicted[i][c] = predictions.get(i).labels() != null
                        && predictions.get(i).labels().contains(labels.get(c));
            }
        }
        return MultiLabelEvaluation.report(labels, truth, predicted, thresholds);
    }

    /** Accuracy, macro-F1, per-label figures and confusion matrix of this classifier on labelled data. */
    public EvaluationReport evaluate(LabelledTexts data) {
        List<Prediction> predictions = classify(data.texts());
        int[] predicted = new int[data.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = labels.indexOf(predictions.get(i).label());
        }
        return Evaluations.report(labels, data.labels(), predicted);
    }

    // the one place where every path's probabilities (fused, DL4J, ONNX Runtime, ensembles) become an answer,
    // so the temperature applies to all of them alike
    private Prediction prediction(float[] raw, int tokens, boolean truncated, int unknownTokens, int chunks) {
        double[] probabilities = new double[raw.length];
        for (int c = 0; c < raw.length; c++) {
            probabilities[c] = raw[c];
        }
        double t = temperature;
        // a softmax temperature: a multi-label model's independent sigmoids are not scaled by it
        if (t != 1 && !multiLabel) {
            probabilities = Calibration.scaled(probabilities, t);
        }
        Prediction top = Prediction.mostProbable(labels, probabilities, tokens, truncated, unknownTokens, chunks);
        if (!multiLabel) {
            return top;
        }
        double[] cut = thresholds;
        List<Integer> over = new java.util.ArrayList<>();
        for (int c = 0; c < probabilities.length; c++) {
            if (probabilities[c] >= cut[c]) {
                over.add(c);
            }
        }
        double[] p = probabilities;
        over.sort((a, b) -> Double.compare(p[b], p[a]));
        return new Prediction(top.label(), top.confidence(), top.scores(), tokens, truncated, unknownTokens, chunks,
                over.stream().map(labels::get).toList());
    }

    /**
     * Every label's probability for each of the texts already turned into the network's input, in their order
     * (ensembles averaged): what a multi-label classifier's thresholds are tuned and evaluated on.
     */
    float[][] allProbabilities(SequenceFeatures features) {
        int[] lengths = new int[features.size()];
        Arrays.setAll(lengths, features::length);
        int[] order = sortedByLength(lengths);
        float[][] out = new float[order.length][];
        for (int from = 0; from < order.length; from += MAX_FORWARD_BATCH) {
            int to = Math.min(order.length, from + MAX_FORWARD_BATCH);
            float[][] rows = probabilities(features, order, from, to);
            for (int r = from; r < to; r++) {
                out[order[r]] = rows[r - from];
            }
        }
        return out;
    }

    private static int[] lengths(int[][] sequences) {
        int[] lengths = new int[sequences.length];
        Arrays.setAll(lengths, i -> sequences[i].length);
        return lengths;
    }

    /** Indices ordered by length (stable), without boxing: length and index packed in one long. */
    static int[] sortedByLength(int[] lengths) {
        long[] keys = new long[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            keys[i] = ((long) lengths[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }
}
