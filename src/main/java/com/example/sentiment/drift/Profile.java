package com.example.sentiment.drift;

import com.example.sentiment.ml.Prediction;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The histogram of every {@link Signal} over some predictions of one version: its validation data (the
 * reference) or a window of live traffic.
 *
 * @param labels the version's labels, the bins of {@link Signal#LABEL}
 * @param counts per signal, in the order of its bins
 */
record Profile(List<String> labels, Map<Signal, long[]> counts) {

    Profile {
        labels = List.copyOf(labels);
        counts = new EnumMap<>(counts);
    }

    /** The profile of these predictions. */
    static Profile of(List<String> labels, List<Prediction> predictions) {
        Map<String, Integer> index = labelIndex(labels);
        Map<Signal, long[]> counts = new EnumMap<>(Signal.class);
        for (Signal signal : Signal.values()) {
            counts.put(signal, new long[signal.bins(labels).size()]);
        }
        for (Prediction p : predictions) {
            for (Signal signal : Signal.values()) {
                int bin = signal.bin(p, index);
                if (bin >= 0) {
                    counts.get(signal)[bin]++;
                }
            }
        }
        return new Profile(labels, counts);
    }

    static Map<String, Integer> labelIndex(List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        return index;
    }

    Histogram histogram(Signal signal) {
        return new Histogram(signal.bins(labels), counts.get(signal).clone());
    }

    /**
     * This profile's label counts in the order of {@code otherLabels} (a label this profile lacks counts 0),
     * so that two versions' orders, or a reference written with another order, compare bin by bin.
     */
    long[] labelCountsIn(List<String> otherLabels) {
        long[] own = counts.get(Signal.LABEL);
        long[] out = new long[otherLabels.size()];
        for (int i = 0; i < out.length; i++) {
            int at = labels.indexOf(otherLabels.get(i));
            out[i] = at < 0 ? 0 : own[at];
        }
        return out;
    }
}
