package com.example.sentiment.ml;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trained classifier: the network with the vocabulary and labels it was trained with, or an ensemble of
 * networks of one architecture (trained from different seeds) whose probabilities are averaged.
 *
 * <p>Safe to call from many threads. The default architecture runs through {@link FusedLstmForward}, which is
 * immutable; other architectures borrow one of the network replicas per call (DL4J serialises calls on one
 * network). Texts are sorted by length and run in batches of similar length so that short texts do not pay
 * for long ones.
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

    private static final JsonMapper LABELS_JSON = JsonMapper.builder().build();
    private static final int MAX_FORWARD_BATCH = 128;
    // the other members of an ensemble live inside the first one's network file, as parameter vectors
    private static final String MEMBER_ENTRY = "ensemble-member-";

    private final MultiLayerNetwork network;
    private final BlockingQueue<MultiLayerNetwork> replicas;
    private final Vocabulary vocabulary;
    private final List<String> labels;
    private final int maxSequenceLength;
    private final Tokenizer tokenizer = new Tokenizer();
    private final FusedLstmForward fused;
    // further ensemble members (empty for a single network); each is a classifier of one network
    private final List<TextClassifier> others;

    TextClassifier(MultiLayerNetwork network, Vocabulary vocabulary, List<String> labels, int maxSequenceLength) {
        this(network, vocabulary, labels, maxSequenceLength, List.of());
    }

    private TextClassifier(MultiLayerNetwork network, Vocabulary vocabulary, List<String> labels, int maxSequenceLength,
                           List<TextClassifier> others) {
        this.network = network;
        this.replicas = new LinkedBlockingQueue<>(List.of(network));
        this.vocabulary = vocabulary;
        this.labels = List.copyOf(labels);
        this.maxSequenceLength = maxSequenceLength;
        this.fused = FusedLstmForward.of(network).orElse(null);
        this.others = List.copyOf(others);
    }

    /**
     * One classifier whose probabilities are the mean of the members'. The members share one vocabulary,
     * label set and architecture (as seeds of one configuration trained on the same data do).
     */
    static TextClassifier ensemble(List<TextClassifier> members) {
        TextClassifier first = members.get(0);
        for (TextClassifier m : members) {
            if (m.vocabularySize() != first.vocabularySize()
                    || !m.labels.equals(first.labels) || m.network.numParams() != first.network.numParams()) {
                throw new IllegalArgumentException("ensemble members must share vocabulary, labels and architecture");
            }
        }
        List<TextClassifier> rest = members.subList(1, members.size()).stream()
                .map(m -> new TextClassifier(m.network, first.vocabulary, first.labels, first.maxSequenceLength))
                .toList();
        return new TextClassifier(first.network, first.vocabulary, first.labels, first.maxSequenceLength, rest);
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

    /** Loads the files written by {@link #save(Path)}. */
    public static TextClassifier load(Path directory, int maxSequenceLength) throws IOException {
        Vocabulary vocabulary = Vocabulary.read(directory.resolve(VOCABULARY_FILE));
        List<String> labels = readLabels(directory);
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
                others.add(new TextClassifier(member, vocabulary, labels, maxSequenceLength));
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot read the ensemble members: " + refusal(e), e);
        }
        return new TextClassifier(network, vocabulary, labels, maxSequenceLength, others);
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
     * Writes the network (without optimiser state), the vocabulary and the labels into {@code directory}; an
     * ensemble's further members go into the same network file as parameter vectors (one architecture).
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
     * length-sorted batched path as {@link #classify(List)}; the answers are in the order of the inputs.
     */
    public List<Prediction> classifyTokenized(List<List<String>> tokenised) {
        int n = tokenised.size();
        int[][] sequences = new int[n][];
        int[] tokenCounts = new int[n];
        for (int i = 0; i < n; i++) {
            List<String> tokens = tokenised.get(i);
            tokenCounts[i] = tokens.size();
            sequences[i] = vocabulary.encode(tokens, maxSequenceLength);
        }
        int[] order = sortedByLength(sequences);
        Prediction[] out = new Prediction[n];
        for (int from = 0; from < n; from += MAX_FORWARD_BATCH) {
            int to = Math.min(n, from + MAX_FORWARD_BATCH);
            float[][] rows = probabilities(sequences, order, from, to);
            for (int r = from; r < to; r++) {
                int i = order[r];
                out[i] = prediction(rows[r - from], Math.min(tokenCounts[i], maxSequenceLength),
                        tokenCounts[i] > maxSequenceLength);
            }
        }
        return Arrays.asList(out);
    }

    /** The most probable label's index for each of the sequences, in their order (ensembles averaged). */
    int[] predictedLabels(int[][] sequences) {
        int[] order = sortedByLength(sequences);
        int[] predicted = new int[sequences.length];
        for (int from = 0; from < sequences.length; from += MAX_FORWARD_BATCH) {
            int to = Math.min(sequences.length, from + MAX_FORWARD_BATCH);
            float[][] rows = probabilities(sequences, order, from, to);
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

    /** The rows' probabilities: the network's, or the mean of the ensemble members'. */
    float[][] probabilities(int[][] sequences, int[] order, int from, int to) {
        float[][] rows = ownProbabilities(sequences, order, from, to);
        if (others.isEmpty()) {
            return rows;
        }
        for (TextClassifier member : others) {
            float[][] theirs = member.ownProbabilities(sequences, order, from, to);
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
    float[][] ownProbabilities(int[][] sequences, int[] order, int from, int to) {
        return fused != null ? fused.probabilities(sequences, order, from, to)
                : networkProbabilities(sequences, order, from, to);
    }

    /** The same probabilities through the DL4J network, whatever the architecture. */
    float[][] networkProbabilities(int[][] sequences, int[] rows, int from, int to) {
        return forward(SequenceBatch.featuresAndMask(sequences, rows, from, to)).toFloatMatrix();
    }

    /** Layer {@code index} of the network, for tests of what an engine builds. */
    org.deeplearning4j.nn.api.Layer networkLayer(int index) {
        return network.getLayer(index);
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

    /** Accuracy, macro-F1, per-label figures and confusion matrix of this classifier on labelled data. */
    public EvaluationReport evaluate(LabelledTexts data) {
        List<Prediction> predictions = classify(data.texts());
        int[] predicted = new int[data.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = labels.indexOf(predictions.get(i).label());
        }
        return Evaluations.report(labels, data.labels(), predicted);
    }

    private Prediction prediction(float[] probabilities, int tokens, boolean truncated) {
        Map<String, Double> scores = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < probabilities.length; c++) {
            scores.put(labels.get(c), (double) probabilities[c]);
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return new Prediction(labels.get(best), probabilities[best], scores, tokens, truncated);
    }

    /** Indices ordered by sequence length (stable), without boxing: length and index packed in one long. */
    private static int[] sortedByLength(int[][] sequences) {
        long[] keys = new long[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            keys[i] = ((long) sequences[i].length << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }
}
