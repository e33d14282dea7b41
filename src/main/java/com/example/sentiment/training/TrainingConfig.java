package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LongText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config} part of a training upload. Every field is optional; what is not set comes from
 * {@code sentiment.training.defaults}. Unknown fields are refused rather than ignored. The enum-valued fields
 * take their settings' names or the constants' ({@code last+max} or {@code LAST_MAX}), case-insensitively, so that a
 * version's {@code hyperParameters} (or those of an older release's answers) can be sent back as they are.
 */
@Schema(description = "Training settings; every field is optional")
record TrainingConfig(
        @Size(max = 100, message = "must be at most 100 characters") String name,
        @Min(value = 1, message = "must be at least 1") @Max(value = 1000, message = "must be at most 1000") Integer epochs,
        @Min(value = 1, message = "must be at least 1") @Max(value = 4096, message = "must be at most 4096") Integer batchSize,
        @DecimalMin(value = "0.000001", message = "must be at least 1e-6") @DecimalMax(value = "1.0", message = "must be at most 1")
        Double learningRate,
        @Min(value = 2, message = "must be at least 2") @Max(value = 1024, message = "must be at most 1024") Integer embeddingSize,
        @Min(value = 1, message = "must be at least 1") @Max(value = 2048, message = "must be at most 2048") Integer lstmUnits,
        @Schema(description = "stacked LSTM layers, each reading every step of the one below (both directions "
                + "with bidirectional), the top one summarised by pooling; a layer after the first reads lstmUnits x "
                + "directions values a step, so two layers of 128 cost more than twice one layer's time; engine "
                + "fused only", example = "1")
        @Min(value = 1, message = "must be at least 1") @Max(value = 4, message = "must be at most 4") Integer lstmLayers,
        Boolean bidirectional,
        @DecimalMin(value = "0.0", message = "must be between 0 and 0.95")
        @DecimalMax(value = "0.95", message = "must be between 0 and 0.95") Double dropout,
        @DecimalMin(value = "0.0", message = "must be between 0 and 0.95")
        @DecimalMax(value = "0.95", message = "must be between 0 and 0.95") Double embeddingDropout,
        @Min(value = 1, message = "must be at least 1") @Max(value = 2048, message = "must be at most 2048") Integer maxSequenceLength,
        @Min(value = 1, message = "must be at least 1") Integer minWordFrequency,
        @Min(value = 3, message = "must be at least 3") @Max(value = 2000000, message = "must be at most 2000000")
        Integer maxVocabularySize,
        @DecimalMin(value = "0.01", message = "must be between 0.01 and 0.5")
        @DecimalMax(value = "0.5", message = "must be between 0.01 and 0.5") Double validationSplit,
        Long seed,
        @Min(value = 0, message = "must be at least 0") @Max(value = 100, message = "must be at most 100") Integer earlyStoppingPatience,
        @Schema(description = "how the LSTM outputs become one vector: the last real step, max or mean over the "
                + "real steps, or last+max (the final states of each direction and a max-pool, concatenated)",
                allowableValues = {"last", "max", "mean", "last+max"})
        @Pattern(regexp = "(?i)last|max|mean|last[+_]max", message = "must be one of last, max, mean, last+max") String pooling,
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}", message = "must be a file name in the vectors directory")
        String wordVectors,
        @Schema(description = "word-vectors (the default): the LSTM reads an embedding of the words, started from "
                + "wordVectors; or the name of a pretrained encoder (such as e5-small or minilm-l6) whose frozen "
                + "states of each word piece the LSTM reads instead, computed once per job: then wordVectors, "
                + "freezeEmbeddings, fineTuneEpochs, minWordFrequency and maxVocabularySize do not apply, and "
                + "maxSequenceLength counts pieces. Set either way, it also keeps the encoder-bilstm candidates out of "
                + "preset auto", example = "word-vectors")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", message = "must be word-vectors or the name of an encoder")
        String encoder,
        Boolean freezeEmbeddings,
        @Pattern(regexp = "(?i)fused|dl4j", message = "must be one of fused, dl4j") String engine,
        @Schema(description = "probability of dropping one word-vector dimension for a whole text (time-locked "
                + "spatial dropout), on top of embeddingDropout")
        @DecimalMin(value = "0.0", message = "must be between 0 and 0.95")
        @DecimalMax(value = "0.95", message = "must be between 0 and 0.95") Double spatialDropout,
        @Schema(description = "decoupled weight decay, applied after Adam's step and scaled by the learning rate")
        @DecimalMin(value = "0.0", message = "must be between 0 and 0.1")
        @DecimalMax(value = "0.1", message = "must be between 0 and 0.1") Double weightDecay,
        @Schema(description = "with frozen word vectors: epochs of a second phase that fine-tunes them at a tenth "
                + "of the learning rate, kept only if validation improves (0 = none)")
        @Min(value = 0, message = "must be at least 0") @Max(value = 10, message = "must be at most 10") Integer fineTuneEpochs,
        @Schema(description = "networks trained from consecutive seeds and stored as one version whose "
                + "probabilities are averaged (1 = a single network); each costs its training and serving time")
        @Min(value = 1, message = "must be at least 1") @Max(value = 5, message = "must be at most 5") Integer ensembleSize,
        @Schema(description = "none (the default): every example weighs the same in the loss; balanced: each "
                + "label's examples weigh inversely to its share of the training split, for label sets where some "
                + "labels are rare", allowableValues = {"none", "balanced"})
        @Pattern(regexp = "(?i)none|balanced", message = "must be one of none, balanced") String classWeights,
        @Schema(description = "the validation figure that decides which epoch is kept, and, with the validation "
                + "loss, early stopping and the learning-rate halving on a plateau: an epoch that improves either "
                + "makes progress", allowableValues = {"accuracy", "macroF1", "loss"}, example = "macroF1")
        @Pattern(regexp = "(?i)accuracy|macro_?F1|loss", message = "must be one of accuracy, macroF1, loss")
        String selectionMetric,
        @Size(min = 1, max = 100, message = "must be 1 to 100 characters") String textColumn,
        @Size(min = 1, max = 100, message = "must be 1 to 100 characters") String labelColumn,
        @Schema(description = "\"if-better\" (the default): activate the new version only if its macro-F1 on the "
                + "job's held-out data beats the active version's by sentiment.training.promotion-margin, or if no "
                + "version is active (the job records the decision as promotion; with "
                + "sentiment.rollout.promotion-gate=shadow-agreement such a version becomes the shadow version "
                + "first, decision awaiting-shadow-gate, and is activated once it agrees with the active one on live "
                + "traffic); true: activate it when the job "
                + "succeeds, whatever the active version scores; false: only store it",
                type = "string", allowableValues = {"true", "false", "if-better"}, example = "if-better")
        Activation activate,
        @Schema(description = "true: add the stored corrections (POST /api/v1/feedback) to the uploaded data, "
                + "duplicates removed; the dataset report counts them")
        Boolean includeFeedback,
        @Schema(description = "auto (the default): train the candidate configurations docs/training.md lists "
                + "(lstm-two-phase, lstm, bilstm-last-max, and encoder-bilstm-<encoder>, a BiLSTM over the states "
                + "of each encoder of sentiment.training.auto-encoders, when that encoder is available and the job "
                + "names no encoder and no teacher) in that order on the same rows within timeBudgetSeconds (the "
                + "encoders' states count, and an encoder candidate is skipped when they would not fit); "
                + "a later candidate replaces the one kept so far only if its validation macro-F1 is better by more "
                + "than 1.5 standard errors of the paired difference, or is better and its accuracy is better by "
                + "more than 1.5 standard errors of the paired difference. On a small file (up to "
                + "sentiment.training.cross-validation.max-rows training rows) the candidates are also "
                + "cross-validated, and their out-of-fold macro-F1 over every training row decides instead, when the "
                + "time budget fits the folds. Fields set here apply to every candidate. "
                + "none: train these settings and the defaults only",
                allowableValues = {"auto", "none"}, example = "auto")
        @Pattern(regexp = "(?i)auto|none", message = "must be one of auto, none") String preset,
        @Schema(description = "rows (the default): the validation split holds out random rows. sentences: for "
                + "phrase corpora such as SST, it holds out only whole sentences (rows that are not part of a longer "
                + "row) and leaves every training row inside them out, so that the validation figure predicts the "
                + "accuracy on new sentences", allowableValues = {"rows", "sentences"})
        @Pattern(regexp = "(?i)rows|sentences", message = "must be one of rows, sentences") String validationUnit,
        @Schema(description = "seconds all candidates of preset auto may train together, cross-validation folds "
                + "included; an epoch that would overrun a training's share does not start")
        @Min(value = 10, message = "must be at least 10") @Max(value = 86400, message = "must be at most 86400")
        Integer timeBudgetSeconds,
        @Schema(description = "a model version id: distil it into a word-vector model, which serves at the usual "
                + "speed. The teacher labels the training texts and augmented copies of them with its "
                + "probabilities, and the new model learns those (Tang et al. 2019). The teacher must know every "
                + "label of the upload; its probabilities of other labels are left out. The labelling runs before "
                + "training and does not count against timeBudgetSeconds", example = "sst2-encoder")
        @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}", message = "must be a model version id") String teacher,
        @Schema(description = "with a teacher: augmented copies of each training text (words masked, words swapped "
                + "for their nearest word-vector neighbours, n-grams sampled), all labelled by the teacher. Each "
                + "copy costs one teacher labelling per text (an encoder teacher labels about 250 texts/s per core) "
                + "and one more example per training epoch")
        @Min(value = 0, message = "must be at least 0") @Max(value = 20, message = "must be at most 20")
        Integer augmentation,
        @Schema(description = "with a teacher: the weight of its probabilities in a training text's target, the "
                + "true label having the rest (augmented copies take the teacher's alone)")
        @DecimalMin(value = "0.0", message = "must be between 0 and 1")
        @DecimalMax(value = "1.0", message = "must be between 0 and 1") Double teacherWeight,
        @Schema(description = "how a text longer than maxSequenceLength tokens (pieces, with an encoder) is read, in "
                + "training and by the version when it serves. chunk (the default): as overlapping windows of "
                + "maxSequenceLength, longTextStride apart, the last ending at the text's end; the answer is the "
                + "mean of the windows' probabilities, and in training each window is an example of the text's "
                + "label weighing 1/windows. truncate: only the first maxSequenceLength are read (as versions "
                + "trained before this setting read them)", allowableValues = {"chunk", "truncate"},
                example = "chunk")
        @Pattern(regexp = "(?i)chunk|truncate", message = "must be one of chunk, truncate") String longText,
        @Schema(description = "with longText chunk: tokens (pieces) from one window's start to the next's; 0 (the "
                + "default) = half of maxSequenceLength", example = "0")
        @Min(value = 0, message = "must be at least 0") @Max(value = 2048, message = "must be at most 2048")
        Integer longTextStride,
        @Schema(description = "the version's default precision target: from its validation data (calibrated), the "
                + "lowest confidence threshold whose answered texts reach this precision; classifications below it "
                + "abstain (abstainedReason precision-target). The version records the threshold and the coverage it "
                + "gives; a request's own targetPrecision overrides it", example = "0.95")
        @DecimalMin(value = "0.0", inclusive = false, message = "must be greater than 0 and less than 1")
        @DecimalMax(value = "1.0", inclusive = false, message = "must be greater than 0 and less than 1")
        Double targetPrecision,
        @Schema(description = "the version's default ambiguity margin: a classification whose top two (calibrated) "
                + "probabilities are closer than this abstains (abstainedReason ambiguous); a request's own "
                + "ambiguityMargin overrides it", example = "0.1")
        @DecimalMin(value = "0.0", inclusive = false, message = "must be greater than 0 and less than 1")
        @DecimalMax(value = "1.0", inclusive = false, message = "must be greater than 0 and less than 1")
        Double ambiguityMargin,
        @Schema(description = "multi-label: each text may have several labels (the label column holds them "
                + "joined by labelSeparator, or a JSON Lines row gives \"labels\": [...]); the network ends in one "
                + "sigmoid per label and each label gets its own threshold. single-label: one label per text, "
                + "whatever the label column holds. Unset: multi-label when a label holds the separator or a JSON "
                + "Lines row gives an array of labels", allowableValues = {"single-label", "multi-label"},
                example = "multi-label")
        @Pattern(regexp = "(?i)single-label|multi-label", message = "must be one of single-label, multi-label")
        String task,
        @Schema(description = "what separates the labels of one text in the label column", example = "|",
                defaultValue = "|")
        @Size(min = 1, max = 5, message = "must be 1 to 5 characters") String labelSeparator,
        @Schema(description = "with a teacher: what the new model's loss compares with the teacher. soft-labels (the "
                + "default): the cross-entropy of its probabilities against the teacher's (a training text's mixed "
                + "with its true label by teacherWeight). logits: the mean squared error between its logits and the "
                + "teacher's log-probabilities (of the same mixed targets, centred, each floored at 1e-4), as Tang "
                + "et al. 2019 distil BERT; the version still answers with probabilities. Without a teacher there "
                + "are no soft targets and it is not recorded (so a version's settings can be sent back as they are)",
                allowableValues = {"soft-labels", "logits"}, example = "logits")
        @Pattern(regexp = "(?i)soft-labels|logits", message = "must be one of soft-labels, logits")
        String distillationLoss) {

    static final TrainingConfig EMPTY = new TrainingConfig(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** Asks for no pre-computed vectors even when the defaults name some. */
    static final String NO_VECTORS = "none";

    /**
     * The settings of a job: these values, else the configured defaults. Default word vectors are used only
     * when their file is present ({@code defaultVectorsPresent}); vectors the job names must be present.
     */
    ResolvedTrainingConfig resolve(SentimentProperties.Defaults d, boolean defaultVectorsPresent) {
        return resolve(d, defaultVectorsPresent, List.of());
    }

    /**
     * The same, where {@code "preset": "auto"} also tries an encoder candidate ({@link Presets#encoder}) on each
     * of {@code autoEncoders}, in that order, after the word-vector ones, unless the job names an encoder of its
     * own (then every candidate reads that one; {@code word-vectors}: none does) or learns from a teacher (a
     * student is a word-vector model).
     *
     * @param autoEncoders encoders that are available ({@code sentiment.training.auto-encoders}); empty for none
     */
    ResolvedTrainingConfig resolve(SentimentProperties.Defaults d, boolean defaultVectorsPresent,
                                   List<String> autoEncoders) {
        List<ConfigurationSearch.Candidate> candidates = new ArrayList<>();
        if ("auto".equalsIgnoreCase(or(preset, d.preset()))) {
            for (Presets.Preset p : Presets.AUTO) {
                HyperParameters candidate = Presets.overlay(this, p.settings()).hyperParameters(d, defaultVectorsPresent);
                addOnce(candidates, new ConfigurationSearch.Candidate(p.name(), candidate));
            }
            // a job that names an encoder, word-vectors included, gets what it names and nothing else
            if (teacher == null && encoder == null && !candidates.get(0).hyperParameters().usesEncoder()) {
                for (String autoEncoder : autoEncoders) {
                    Presets.Preset p = Presets.encoder(autoEncoder);
                    candidates.add(new ConfigurationSearch.Candidate(p.name(),
                            Presets.overlay(this, p.settings()).hyperParameters(d, defaultVectorsPresent)));
                }
            }
        } else {
            candidates.add(new ConfigurationSearch.Candidate("manual", hyperParameters(d, defaultVectorsPresent)));
        }
        Distillation distillation = teacher == null ? null
                : new Distillation(teacher, or(augmentation, d.augmentation()), or(teacherWeight, d.teacherWeight()));
        return new ResolvedTrainingConfig(name, candidates.get(0).hyperParameters(), or(validationSplit, d.validationSplit()),
                or(textColumn, "text"), or(labelColumn, "label"), or(activate, Activation.IF_BETTER),
                or(includeFeedback, false), List.copyOf(candidates), or(timeBudgetSeconds, d.timeBudgetSeconds()),
                "sentences".equalsIgnoreCase(validationUnit), distillation, targetPrecision, ambiguityMargin,
                task == null ? null : task.toLowerCase(java.util.Locale.ROOT), labelSeparator);
    }

    /** The fields that mean something only with a teacher, which are refused without one. */
    List<String> teacherOnlyFields() {
        List<String> set = new ArrayList<>();
        if (teacher == null && augmentation != null) {
            set.add("augmentation");
        }
        if (teacher == null && teacherWeight != null) {
            set.add("teacherWeight");
        }
        return set;
    }

    /**
     * Adds a candidate unless an earlier one would train the same network (without word vectors, freezing them
     * changes nothing). Of two such, the one whose settings say what is trained takes the earlier one's place, so
     * that the job does not name a two-phase candidate that trained in one phase.
     */
    private static void addOnce(List<ConfigurationSearch.Candidate> candidates, ConfigurationSearch.Candidate added) {
        HyperParameters trained = added.hyperParameters().asTrained();
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).hyperParameters().asTrained().equals(trained)) {
                if (added.hyperParameters().equals(trained)) {
                    candidates.set(i, added);
                }
                return;
            }
        }
        candidates.add(added);
    }

    /** These values, else the configured defaults, as one configuration. */
    private HyperParameters hyperParameters(SentimentProperties.Defaults d, boolean defaultVectorsPresent) {
        String vectors = wordVectors != null ? wordVectors : defaultVectorsPresent ? d.wordVectors() : null;
        if (NO_VECTORS.equals(vectors)) {
            vectors = null;
        }
        String encoderName = or(encoder, d.encoder());
        if (HyperParameters.WORD_VECTORS.equalsIgnoreCase(encoderName)) {
            encoderName = null;
        }
        boolean bi = or(bidirectional, d.bidirectional());
        HyperParameters hp = new HyperParameters(
                or(epochs, d.epochs()), or(batchSize, d.batchSize()), or(learningRate, d.learningRate()),
                or(embeddingSize, d.embeddingSize()), or(lstmUnits, d.lstmUnits()), bi, or(dropout, d.dropout()),
                or(embeddingDropout, d.embeddingDropout()),
                or(maxSequenceLength, d.maxSequenceLength()), or(minWordFrequency, d.minWordFrequency() != null ? d.minWordFrequency() : vectors != null ? 1 : 2),
                or(maxVocabularySize, d.maxVocabularySize()), or(seed, d.seed()),
                or(earlyStoppingPatience, d.earlyStoppingPatience()),
                HyperParameters.Pooling.ofSetting(or(pooling, d.pooling())),
                vectors, or(freezeEmbeddings, d.freezeEmbeddings()),
                HyperParameters.Engine.ofSetting(or(engine, d.engine())),
                HyperParameters.SelectionMetric.ofSetting(or(selectionMetric, d.selectionMetric())),
                or(spatialDropout, d.spatialDropout()), or(weightDecay, d.weightDecay()),
                or(fineTuneEpochs, d.fineTuneEpochs()), or(ensembleSize, d.ensembleSize()),
                HyperParameters.ClassWeights.ofSetting(or(classWeights, d.classWeights())), encoderName,
                LongText.ofSetting(or(longText, d.longText())), or(longTextStride, d.longTextStride()),
                // only a student has soft targets for it to act on
                teacher == null ? null
                        : HyperParameters.DistillationLoss.ofSetting(or(distillationLoss, d.distillationLoss())),
                or(lstmLayers, d.lstmLayers()));
        // with an encoder, the settings of word vectors and of the vocabulary say nothing about what is trained
        return encoderName == null ? hp : hp.asTrained();
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /**
     * A job's complete settings.
     *
     * @param hyperParameters the first (simplest) candidate's
     * @param candidates the configurations the job trains, one unless the preset is auto
     * @param timeBudgetSeconds for all candidates together
     * @param holdOutSentences a validation split holds out whole sentences only ({@code "validationUnit": "sentences"})
     * @param distillation the teacher a word-vector model learns from, or null for the uploaded labels alone
     * @param targetPrecision the version's default precision target, or null for none
     * @param ambiguityMargin the version's default ambiguity margin, or null for none
     * @param task {@code multi-label} or {@code single-label}, or null to tell from the data
     * @param labelSeparator what separates several labels in the label column (null: {@code |})
     */
    public record ResolvedTrainingConfig(String name, HyperParameters hyperParameters, double validationSplit,
                                         String textColumn, String labelColumn, Activation activate,
                                         boolean includeFeedback, List<ConfigurationSearch.Candidate> candidates,
                                         int timeBudgetSeconds, boolean holdOutSentences, Distillation distillation,
                                         Double targetPrecision, Double ambiguityMargin,
                                         String task, String labelSeparator) {

        /** Settings without abstention defaults, the task told from the data. */
        public ResolvedTrainingConfig(String name, HyperParameters hyperParameters, double validationSplit,
                                      String textColumn, String labelColumn, Activation activate,
                                      boolean includeFeedback, List<ConfigurationSearch.Candidate> candidates,
                                      int timeBudgetSeconds, boolean holdOutSentences, Distillation distillation) {
            this(name, hyperParameters, validationSplit, textColumn, labelColumn, activate, includeFeedback,
                    candidates, timeBudgetSeconds, holdOutSentences, distillation, null, null, null, null);
        }

        /** One configuration, without a search (a job restored from its record, which no longer trains). */
        public ResolvedTrainingConfig(String name, HyperParameters hyperParameters, double validationSplit,
                                      String textColumn, String labelColumn, Activation activate,
                                      boolean includeFeedback) {
            this(name, hyperParameters, validationSplit, textColumn, labelColumn, activate, includeFeedback,
                    List.of(new ConfigurationSearch.Candidate("manual", hyperParameters)), 0, false, null, null, null,
                    null, null);
        }
    }
}
