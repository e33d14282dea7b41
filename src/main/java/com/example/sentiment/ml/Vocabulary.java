package com.example.sentiment.ml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token to id mapping learned from training data and stored with the model.
 *
 * <p>Id 0 is padding and id 1 stands for every word the model has not seen; words are ordered by
 * descending frequency (ties alphabetically) so that building twice from the same data gives the same ids.
 */
public final class Vocabulary {

    public static final String PADDING = "<pad>";
    public static final String UNKNOWN = "<unk>";
    public static final int PADDING_ID = 0;
    public static final int UNKNOWN_ID = 1;

    private final List<String> words;
    // Word to id as an open-addressing table (linear probing, at most half full) instead of a HashMap<String,
    // Integer>: serving looks up every token of every text here, and the inference workers spent most of their
    // Java time in those lookups (docs/benchmarks.md). A slot holds id + 1 (0 = empty) and the word's hash, so a
    // probe reads two int arrays and compares strings only when the hashes agree: no node, no boxed Integer.
    private final String[] slotWords;
    private final int[] slotIds;
    private final int[] slotHashes;
    private final int slotMask;

    private Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        int capacity = Integer.highestOneBit(Math.max(4, words.size()) * 2 - 1) << 1;
        this.slotWords = new String[capacity];
        this.slotIds = new int[capacity];
        this.slotHashes = new int[capacity];
        this.slotMask = capacity - 1;
        for (int i = 0; i < words.size(); i++) {
            put(words.get(i), i);
        }
    }

    /** As a map's put: a word listed twice keeps its last id. */
    private void put(String word, int id) {
        int hash = word.hashCode();
        int slot = spread(hash) & slotMask;
        while (slotIds[slot] != 0 && !(slotHashes[slot] == hash && slotWords[slot].equals(word))) {
            slot = (slot + 1) & slotMask;
        }
        slotWords[slot] = word;
        slotHashes[slot] = hash;
        slotIds[slot] = id + 1;
    }

    /** The id of {@code token}, or -1. */
    private int find(String token) {
        int hash = token.hashCode();
        int slot = spread(hash) & slotMask;
        int stored;
        while ((stored = slotIds[slot]) != 0) {
            if (slotHashes[slot] == hash && slotWords[slot].equals(token)) {
                return stored - 1;
            }
            slot = (slot + 1) & slotMask;
        }
        return -1;
    }

    /** Mixes the high bits of String's hash into the low ones the table indexes by, as HashMap does. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Builds a vocabulary of the words seen at least {@code minFrequency} times, at most {@code maxSize} entries. */
    public static Vocabulary build(Iterable<List<String>> documents, int minFrequency, int maxSize) {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> doc : documents) {
            for (String token : doc) {
                counts.merge(token, 1, Integer::sum);
            }
        }
        return fromCounts(counts, minFrequency, maxSize);
    }

    /** The same from word counts taken elsewhere, such as while an upload is read. */
    public static Vocabulary fromCounts(Map<String, Integer> counts, int minFrequency, int maxSize) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> words = new ArrayList<>();
        words.add(PADDING);
        words.add(UNKNOWN);
        for (Map.Entry<String, Integer> e : entries) {
            if (words.size() >= maxSize) {
                break;
            }
            if (e.getValue() >= minFrequency) {
                words.add(e.getKey());
            }
        }
        return new Vocabulary(words);
    }

    /** Only the padding and unknown entries: the vocabulary of a model that reads an encoder's states. */
    public static Vocabulary reservedOnly() {
        return new Vocabulary(List.of(PADDING, UNKNOWN));
    }

    /** Reads a vocabulary written by {@link #write(Path)}. */
    public static Vocabulary read(Path file) throws IOException {
        List<String> words = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (words.size() < 2 || !PADDING.equals(words.get(0)) || !UNKNOWN.equals(words.get(1))) {
            throw new IOException("not a vocabulary file: " + file.getFileName());
        }
        return new Vocabulary(words);
    }

    /** One word a line, the line number being the id. */
    public void write(Path file) throws IOException {
        Files.write(file, words, StandardCharsets.UTF_8);
    }

    public int size() {
        return words.size();
    }

    public int idOf(String token) {
        int id = find(token);
        return id < 0 ? UNKNOWN_ID : id;
    }

    public String wordAt(int id) {
        return words.get(id);
    }

    public boolean contains(String token) {
        return find(token) >= 0;
    }

    /** The words in id order, padding and unknown included. */
    public List<String> words() {
        return Collections.unmodifiableList(words);
    }

    /**
     * Ids of the tokens, cut to {@code maxLength}; a text without tokens becomes one unknown word so that
     * every sequence has at least one real step.
     */
    public int[] encode(List<String> tokens, int maxLength) {
        int length = Math.min(tokens.size(), maxLength);
        if (length == 0) {
            return new int[] {UNKNOWN_ID};
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = idOf(tokens.get(i));
        }
        return out;
    }
}
