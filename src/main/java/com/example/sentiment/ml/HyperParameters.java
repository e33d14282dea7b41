package com.example.sentiment.ml;

/**
 * Everything that shapes a trained classifier. Validated at the HTTP edge; the ML code trusts these values.
 *
 * @param dropout probability of <em>dropping</em> a unit of the sequence summary during training (0 = none)
 * @param embeddingDropout probability of dropping a unit of the word vectors going into the LSTM (0 = none)
 * @param pooling how the LSTM outputs are summarised: the last real step, or max/mean over the real steps
 * @param earlyStoppingPatience epochs without validation improvement before training stops (0 = never stop early)
 * @param wordVectors name of the pre-computed word-vectors file the embedding started from, or null
 * @param freezeEmbeddings keep pre-computed vectors fixed instead of fine-tuning them
 * @param engine how the LSTM is computed in training: libnd4j's fused ops, or DL4J's own per-step layer
 * @param selectionMetric the validation figure that decides early stopping, the learning-rate halving on a
 *                        plateau and which epoch is kept (null in versions from before it existed: macro-F1)
 */
public record HyperParameters(
        int epochs,
        int batchSize,
        double learningRate,
        int embeddingSize,
        int lstmUnits,
        boolean bidirectional,
        double dropout,
        double embeddingDropout,
        int maxSequenceLength,
        int minWordFrequency,
        int maxVocabularySize,
        long seed,
        int earlyStoppingPatience,
        Pooling pooling,
        String wordVectors,
        boolean freezeEmbeddings,
        Engine engine,
        SelectionMetric selectionMetric) {

    /** The same settings with another embedding size (pre-computed vectors dictate theirs). */
    public HyperParameters withEmbeddingSize(int size) {
        return new HyperParameters(epochs, batchSize, learningRate, size, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric);
    }

    /** The metric, {@code MACRO_F1} when unset. */
    public SelectionMetric selection() {
        return selectionMetric != null ? selectionMetric : SelectionMetric.MACRO_F1;
    }

    /** How the sequence of LSTM outputs becomes one vector; padding steps never contribute. */
    public enum Pooling {
        LAST, MAX, MEAN
    }

    /**
     * How the LSTM is computed. {@code FUSED} runs the whole time loop in libnd4j's {@code lstmLayer} ops;
     * {@code DL4J} is DL4J's own {@code LSTM} layer, one native call per time step, kept as a fallback.
     */
    public enum Engine {
        FUSED, DL4J
    }

    /**
     * Which validation figure selects the model. Each is turned into a score where lower is better
     * ({@code 1 - accuracy}, {@code 1 - macro-F1}, mean cross-entropy), because DL4J's parallel
     * early-stopping trainer keeps the lowest score whatever the calculator says.
     */
    public enum SelectionMetric {
        ACCURACY("accuracy"), MACRO_F1("macroF1"), LOSS("loss");

        private final String setting;

        SelectionMetric(String setting) {
            this.setting = setting;
        }

        /** The name used in training settings. */
        public String setting() {
            return setting;
        }

        /** From its setting name, case-insensitively. */
        public static SelectionMetric ofSetting(String name) {
            for (SelectionMetric m : values()) {
                if (m.setting.equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown selection metric " + name);
        }
    }
}
