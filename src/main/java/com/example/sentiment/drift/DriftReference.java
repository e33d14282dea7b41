package com.example.sentiment.drift;

import com.example.sentiment.ml.Prediction;
import com.example.sentiment.system.StoredJson;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * A version's reference profile: the histograms of every {@link Signal} over its validation data as the trained
 * model classifies it, stored as {@value #FILE} among the version's files (checksummed, immutable, copied with
 * the version by both stores and by {@code import-model}). Versions without it (trained before it existed, or
 * bundled) report {@code no-reference}.
 */
public final class DriftReference {

    /** The file's name among the version's files. */
    public static final String FILE = "drift-reference.json";

    // the bins are part of the format: a file written with other bins is not compared
    private static final int FORMAT = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ObjectReader READER = StoredJson.readerFor(JSON, ReferenceFile.class);

    /** What the file holds. */
    record ReferenceFile(int format, List<String> labels, long sampleSize, Map<String, Histogram> histograms) {
    }

    private DriftReference() {
    }

    /**
     * The version's further files holding the profile of {@code validation}: the trained model's predictions for
     * its validation rows ({@code TextClassifier.classifyEncoded}).
     */
    public static Map<String, byte[]> files(List<String> labels, List<Prediction> validation) {
        return Map.of(FILE, bytes(Profile.of(labels, validation), validation.size()));
    }

    static byte[] bytes(Profile profile, long sampleSize) {
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        for (Signal signal : Signal.values()) {
            histograms.put(signal.key(), profile.histogram(signal));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                new ReferenceFile(FORMAT, profile.labels(), sampleSize, histograms));
    }

    /**
     * The profile in a file's bytes; empty when the file is of another format or its bins are not this
     * release's (then there is nothing to compare with).
     */
    static Optional<Profile> read(byte[] bytes) {
        ReferenceFile file;
        try {
            file = READER.readValue(bytes);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (file == null || file.format() != FORMAT || file.labels() == null || file.histograms() == null) {
            return Optional.empty();
        }
        Map<Signal, long[]> counts = new EnumMap<>(Signal.class);
        for (Signal signal : Signal.values()) {
            Histogram h = file.histograms().get(signal.key());
            if (h == null || h.counts() == null || !signal.bins(file.labels()).equals(h.bins())
                    || h.counts().length != h.bins().size()) {
                return Optional.empty();
            }
            counts.put(signal, h.counts());
        }
        return Optional.of(new Profile(file.labels(), counts));
    }
}
