package com.example.sentiment.training;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * The candidate configurations of {@code "preset": "auto"}, simplest first (docs/experiments.md has their
 * figures). Each names only what differs from the defaults; the fields a job sets itself apply to all of them.
 */
final class Presets {

    /** A named partial configuration. */
    record Preset(String name, TrainingConfig settings) {
    }

    static final List<Preset> AUTO = List.of(
            // the defaults' network with the vectors frozen first, then fine-tuned at a tenth of the rate if that
            // helps: first, because it trains fewer weights, so fine-tuned vectors from the start must earn their
            // place (docs/experiments.md, runs 50-51 and 66-71: +2.8 points on SST-5, -1.0 on TREC, over 3 seeds)
            new Preset("lstm-two-phase", of(Map.of("freezeEmbeddings", true, "fineTuneEpochs", 2))),
            // the defaults: one direction, the last state, element dropout on vectors fine-tuned from the start
            new Preset("lstm", of(Map.of())),
            // both directions summarised by their final states and a max-pool; whole vector dimensions dropped
            // per text; the vectors frozen first, then fine-tuned at a tenth of the rate if that helps
            new Preset("bilstm-last-max", of(Map.of("bidirectional", true, "pooling", "last+max",
                    "spatialDropout", 0.2, "embeddingDropout", 0.0, "freezeEmbeddings", true, "fineTuneEpochs", 2))));

    /** The start of the name of a candidate that reads a pretrained encoder's states ({@link #encoder}). */
    static final String ENCODER = "encoder-bilstm-";

    private Presets() {
    }

    /**
     * The candidate of {@code "preset": "auto"} that reads {@code encoder}'s frozen states instead of word
     * vectors, with the settings of the bundled models/sst2-encoder (scripts/train-sst2-encoder.sh): both
     * directions of 128 units, summarised by their final states and a max-pool. It comes last, because it costs
     * the most to train and to serve (the encoder runs on every text), so it must beat the word-vector ones by
     * the search's margin to be kept. It waits 5 epochs without progress instead of 3: on TREC its macro-F1 rose
     * again after three flat epochs (0.9248 held out through the API against 0.9101, docs/experiments.md runs
     * 130-131). The word-vector settings (frozen vectors, fine-tuning, spatial dropout) have nothing to act on here. Named {@code encoder-bilstm-<encoder>}, as several encoders may be tried.
     */
    static Preset encoder(String encoder) {
        return new Preset(ENCODER + encoder, of(Map.of("encoder", encoder, "bidirectional", true, "lstmUnits", 128,
                "pooling", "last+max", "earlyStoppingPatience", 5)));
    }

    /** A configuration with only the given fields set. */
    static TrainingConfig of(Map<String, Object> fields) {
        RecordComponent[] components = TrainingConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = fields.get(components[i].getName());
        }
        return construct(components, values);
    }

    /** Every field of {@code top} that is set, else that of {@code base}. */
    static TrainingConfig overlay(TrainingConfig top, TrainingConfig base) {
        RecordComponent[] components = TrainingConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                Object value = components[i].getAccessor().invoke(top);
                values[i] = value != null ? value : components[i].getAccessor().invoke(base);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return construct(components, values);
    }

    private static TrainingConfig construct(RecordComponent[] components, Object[] values) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<TrainingConfig> canonical = TrainingConfig.class.getDeclaredConstructor(types);
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a training configuration", e);
        }
    }
}
