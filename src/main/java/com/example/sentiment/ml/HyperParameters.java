package com.example.sentiment.ml;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Everything that shapes a trained classifier. Validated at the HTTP edge; the ML code trusts these values.
 * In JSON (the API's answers, a version's {@code metadata.json}, a job's record) each enum is written as a job's
 * {@code config} spells it ({@code last+max}, {@code fused}, {@code macroF1}, {@code balanced}), so that a
 * version's settings can be sent back as a new job's config; it is read in either form, case-insensitively, so that
 * files written before (with the constants' names, {@code LAST_MAX}) still load.
 *
 * @param dropout probability of <em>dropping</em> a unit of the sequence summary during training (0 = none)
 * @param embeddingDropout probability of dropping a unit of the word vectors going into the LSTM (0 = none)
 * @param pooling how the LSTM outputs are summarised: the last real step, or max/mean over the real steps
 * @param earlyStoppingPatience epochs in a row improving neither the selection figure nor the validation loss
 *                              before training stops (0 = never stop early)
 * @param wordVectors name of the pre-computed word-vectors file the embedding started from, or null
 * @param freezeEmbeddings keep pre-computed vectors fixed instead of fine-tuning them
 * @param engine how the LSTM is computed in training: libnd4j's fused ops, or DL4J's own per-step layer
 * @param selectionMetric the validation figure that decides which epoch is kept and, with the validation loss,
 *                        early stopping and the learning-rate halving on a plateau (null in versions from before
 *                        it existed: macro-F1)
 * @param spatialDropout probability of dropping one word-vector dimension for a whole text (the same
 *                       dimensions at every step: time-locked), on top of {@code embeddingDropout}
 * @param weightDecay decoupled weight decay (applied to the weights after Adam's step, scaled by the learning
 *                    rate); 0 = none
 * @param fineTuneEpochs with frozen pre-computed vectors: epochs of a second phase that trains them too, at a
 *                       tenth of the learning rate, kept only if validation improves; 0 = one phase
 * @param ensembleSize networks trained from consecutive seeds and served as one, their probabilities averaged
 *                     (0 or 1 = a single network)
 * @param classWeights how each label's examples weigh in the loss: all alike, or inversely to the label's share of
 *                     the training split (null in versions from before it existed: all alike)
 * @param encoder the pretrained encoder whose per-piece states the LSTM reads instead of an embedding of words
 *                (such as {@code e5-small}), or null for word vectors ({@value #WORD_VECTORS}, and versions from
 *                before encoders existed); with one, {@code embeddingSize} is the encoder's dimension and the
 *                word-vector and vocabulary settings do not apply
 * @param longText how a text longer than {@code maxSequenceLength} is read, in training and serving (versions from
 *                 before it existed have none: {@link LongText#TRUNCATE}, so that their answers do not change)
 * @param longTextStride with {@link LongText#CHUNK}: tokens (pieces) from one window's start to the next's; 0 = half
 *                       a window
 * @param distillationLoss with soft targets (a distilled student): what the loss compares ({@link DistillationLoss});
 *                         null for a model that is no student, and for students from before it existed, which
 *                         learnt {@link DistillationLoss#SOFT_LABELS}
 * @param lstmLayers stacked LSTM layers, each reading the outputs of the one below at every step (the fused
 *                   engine only); 1 in versions from before they could be stacked
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
        SelectionMetric selectionMetric,
        double spatialDropout,
        double weightDecay,
        int fineTuneEpochs,
        int ensembleSize,
        ClassWeights classWeights,
        String encoder,
        LongText longText,
        int longTextStride,
        DistillationLoss distillationLoss,
        int lstmLayers) {

    /**
     * A version saved before long texts could be read in windows has no {@code longText}: it truncates them. One
     * saved before LSTM layers could be stacked has no {@code lstmLayers} (read as 0): it has one.
     */
    public HyperParameters {
        longText = longText != null ? longText : LongText.TRUNCATE;
        lstmLayers = Math.max(1, lstmLayers);
    }

    /** The settings as they were before LSTM layers could be stacked (one layer). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric, double spatialDropout, double weightDecay,
                           int fineTuneEpochs, int ensembleSize, ClassWeights classWeights, String encoder,
                           LongText longText, int longTextStride, DistillationLoss distillationLoss) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, classWeights, encoder, longText, longTextStride, distillationLoss, 1);
    }

    /** The settings as they were before a student could learn its teacher's logits (it learns probabilities). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric, double spatialDropout, double weightDecay,
                           int fineTuneEpochs, int ensembleSize, ClassWeights classWeights, String encoder,
                           LongText longText, int longTextStride) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, classWeights, encoder, longText, longTextStride, null);
    }

    /** The {@code encoder} setting that means no encoder: the LSTM reads an embedding of words. */
    public static final String WORD_VECTORS = "word-vectors";
    // the vocabulary settings of a model that reads an encoder's states: the least a job's settings accept
    static final int ENCODER_MIN_WORD_FREQUENCY = 1;
    static final int ENCODER_MAX_VOCABULARY_SIZE = 3;

    /** The settings as they were before spatial dropout, weight decay and fine-tuning existed (all off). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, 0, 0, 0, 1);
    }

    /** The settings as they were before class weights existed (every example weighs the same). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric, double spatialDropout, double weightDecay,
                           int fineTuneEpochs, int ensembleSize) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, ClassWeights.NONE);
    }

    /** The settings as they were before encoders existed (word vectors). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric, double spatialDropout, double weightDecay,
                           int fineTuneEpochs, int ensembleSize, ClassWeights classWeights) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, classWeights, null);
    }

    /** The settings as they were before long texts could be read in windows (they are truncated). */
    public HyperParameters(int epochs, int batchSize, double learningRate, int embeddingSize, int lstmUnits,
                           boolean bidirectional, double dropout, double embeddingDropout, int maxSequenceLength,
                           int minWordFrequency, int maxVocabularySize, long seed, int earlyStoppingPatience,
                           Pooling pooling, String wordVectors, boolean freezeEmbeddings, Engine engine,
                           SelectionMetric selectionMetric, double spatialDropout, double weightDecay,
                           int fineTuneEpochs, int ensembleSize, ClassWeights classWeights, String encoder) {
        this(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout, embeddingDropout,
                maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, classWeights, encoder, null, 0);
    }

    /** The same settings with another embedding size (pre-computed vectors and encoders dictate theirs). */
    public HyperParameters withEmbeddingSize(int size) {
        return new HyperParameters(epochs, batchSize, learningRate, size, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience, pooling,
                wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay, fineTuneEpochs,
                ensembleSize, classWeights, encoder, longText, longTextStride, distillationLoss, lstmLayers);
    }

    /** Whether the LSTM reads a pretrained encoder's states ({@link #encoder()} names it) instead of word vectors. */
    public boolean usesEncoder() {
        return encoder != null;
    }

    /**
     * The settings as they are trained: without pre-computed vectors there is nothing to freeze, so freezing and
     * the fine-tuning phase are off (two configurations that differ only there train the same network). With an
     * encoder there is no embedding of words either: no word vectors, and the vocabulary settings are those of a
     * vocabulary of nothing but the padding and unknown entries.
     */
    public HyperParameters asTrained() {
        if (wordVectors != null && encoder == null) {
            return this;
        }
        return new HyperParameters(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, encoder == null ? minWordFrequency : ENCODER_MIN_WORD_FREQUENCY,
                encoder == null ? maxVocabularySize : ENCODER_MAX_VOCABULARY_SIZE, seed, earlyStoppingPatience,
                pooling, null, false, engine, selectionMetric, spatialDropout, weightDecay, 0, ensembleSize, classWeights,
                encoder, longText, longTextStride, distillationLoss, lstmLayers);
    }

    /**
     * The settings of the second, fine-tuning phase: the pre-computed vectors trainable, a tenth of the learning
     * rate, {@code fineTuneEpochs} epochs with early stopping after one without improvement.
     */
    HyperParameters forFineTuning() {
        return new HyperParameters(fineTuneEpochs, batchSize, learningRate / 10, embeddingSize, lstmUnits, bidirectional,
                dropout, embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed, 1, pooling,
                wordVectors, false, engine, selectionMetric, spatialDropout, weightDecay, 0, 1, classWeights, encoder,
                longText, longTextStride, distillationLoss, lstmLayers);
    }

    /** The same settings as an ensemble of {@code members} networks from consecutive seeds. */
    HyperParameters withEnsembleSize(int members) {
        return new HyperParameters(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience,
                pooling, wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay,
                fineTuneEpochs, members, classWeights, encoder, longText, longTextStride, distillationLoss, lstmLayers);
    }

    /** The settings of one ensemble member: a single network from another seed. */
    HyperParameters forMember(int index) {
        return new HyperParameters(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed + index,
                earlyStoppingPatience, pooling, wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout,
                weightDecay, fineTuneEpochs, 1, classWeights, encoder, longText, longTextStride, distillationLoss, lstmLayers);
    }

    /**
     * The most epochs one network of these settings trains: {@code epochs}, plus {@code fineTuneEpochs} when a
     * second phase fine-tunes frozen pre-computed vectors (see {@link ClassifierTrainer}).
     */
    public int maxEpochs() {
        return epochs + (wordVectors != null && encoder == null && freezeEmbeddings && fineTuneEpochs > 0 ? fineTuneEpochs : 0);
    }

    /** Networks in the model: at least 1. */
    public int members() {
        return Math.max(1, ensembleSize);
    }

    /** The metric, {@code MACRO_F1} when unset. */
    public SelectionMetric selection() {
        return selectionMetric != null ? selectionMetric : SelectionMetric.MACRO_F1;
    }

    /** How a text longer than {@code maxSequenceLength} is read ({@link LongText#TRUNCATE} when it was unset). */
    public LongText longTextReading() {
        return longText;
    }

    /** The same settings reading long texts as {@code mode}, windows {@code stride} apart (0 = half a window). */
    public HyperParameters withLongText(LongText mode, int stride) {
        return new HyperParameters(epochs, batchSize, learningRate, embeddingSize, lstmUnits, bidirectional, dropout,
                embeddingDropout, maxSequenceLength, minWordFrequency, maxVocabularySize, seed, earlyStoppingPatience,
                pooling, wordVectors, freezeEmbeddings, engine, selectionMetric, spatialDropout, weightDecay,
                fineTuneEpochs, ensembleSize, classWeights, encoder, mode, stride, distillationLoss, lstmLayers);
    }

    /** Whether the labels' examples are weighed in the loss, {@code false} when unset. */
    public boolean balancesClasses() {
        return classWeights == ClassWeights.BALANCED;
    }

    /**
     * How each label's examples weigh in the cross-entropy loss. {@code BALANCED} gives label c the weight
     * n / (k * n_c) (n examples, k labels, n_c of them labelled c), so every label weighs the same in total.
     */
    public enum ClassWeights {
        NONE, BALANCED;

        /** The name used in training settings: {@code none} or {@code balanced}. */
        @JsonValue
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** From its setting name ({@code none} or {@code balanced}), case-insensitively. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ClassWeights ofSetting(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * How the sequence of LSTM outputs becomes one vector; padding steps never contribute. {@code LAST_MAX}
     * concatenates the final states (of both directions when bidirectional) and a max over the real steps.
     */
    public enum Pooling {
        LAST, MAX, MEAN, LAST_MAX;

        /** The single summaries this one concatenates. */
        public List<Pooling> parts() {
            return this == LAST_MAX ? List.of(LAST, MAX) : List.of(this);
        }

        /** The name used in training settings: {@code last}, {@code max}, {@code mean}, {@code last+max}. */
        @JsonValue
        public String setting() {
            return name().toLowerCase(Locale.ROOT).replace('_', '+');
        }

        /** From its setting name or its constant's ({@code last+max} or {@code LAST_MAX}), case-insensitively. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Pooling ofSetting(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('+', '_'));
        }
    }

    /**
     * What a distilled student's loss compares with its teacher. {@code SOFT_LABELS}: the cross-entropy of its
     * probabilities against the teacher's. {@code LOGITS}: the mean squared error between its logits and the
     * teacher's log-probabilities, centred (which is the teacher's logits up to the shift a softmax ignores), as
     * Tang et al. (2019) distil BERT; the network then trains with a linear output and is stored with its softmax,
     * so the version serves probabilities either way. Without soft targets both are the usual cross-entropy.
     */
    public enum DistillationLoss {
        SOFT_LABELS, LOGITS;

        /** The name used in training settings: {@code soft-labels} or {@code logits}. */
        @JsonValue
        public String setting() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** From its setting name or its constant's, case-insensitively. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static DistillationLoss ofSetting(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * How the LSTM is computed. {@code FUSED} runs the whole time loop in libnd4j's {@code lstmLayer} ops;
     * {@code DL4J} is DL4J's own {@code LSTM} layer, one native call per time step, kept as a fallback.
     */
    public enum Engine {
        FUSED, DL4J;

        /** The name used in training settings: {@code fused} or {@code dl4j}. */
        @JsonValue
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** From its setting name, case-insensitively. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Engine ofSetting(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
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

        /** The name used in training settings: {@code accuracy}, {@code macroF1} or {@code loss}. */
        @JsonValue
        public String setting() {
            return setting;
        }

        /** From its setting name or its constant's ({@code macroF1} or {@code MACRO_F1}), case-insensitively. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static SelectionMetric ofSetting(String name) {
            for (SelectionMetric m : values()) {
                if (m.setting.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown selection metric " + name);
        }
    }
}
