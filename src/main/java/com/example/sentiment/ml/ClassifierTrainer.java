package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.listener.EarlyStoppingListener;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.ScoreCalculator;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.InvalidScoreIterationTerminationCondition;
import org.deeplearning4j.earlystopping.termination.IterationTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.earlystopping.trainer.IEarlyStoppingTrainer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.parallelism.EarlyStoppingParallelTrainer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Trains a {@link TextClassifier} with DL4J's early-stopping trainer: one pass of tokenisation and id
 * lookup per job, length-bucketed minibatches, validation after every epoch, the best epoch's weights kept.
 *
 * <p>With more than one worker, DL4J's {@code EarlyStoppingParallelTrainer} trains that many replicas of the
 * network side by side, each on its own minibatch and single-threaded (small matrices run faster on one
 * thread each than split over several), and averages their parameters and Adam state after every step.
 * Consecutive minibatches have similar lengths, so that no replica waits long for the other.
 *
 * <p>Cancellation is cooperative: the training iterator stops yielding and an iteration termination
 * condition ends the run within one minibatch. A non-finite loss fails the training.
 */
public final class ClassifierTrainer {

    static {
        // on OutOfMemoryError DL4J writes a memory dump into the working directory, which in a container is
        // read-only or not ours; the job reports the failure instead
        org.deeplearning4j.util.CrashReportingUtil.crashDumpsEnabled(false);
    }

    private final Tokenizer tokenizer = new Tokenizer();
    // Replicas pay off on long epochs only. Averaging them makes one step of every `workers` minibatches, too
    // few for a small file; and DL4J's parallel trainer starts new replica threads every epoch, whose native
    // workspaces are not all given back (about 15 MB per epoch in the soak test), which long epochs amortise.
    private static final int MIN_BATCHES_PER_REPLICA = 256;
    // the least probability whose logarithm a logit target takes
    static final double LOGIT_FLOOR = 1e-4;

    private final int workers;
    private final int minBatchesPerReplica;
    private final PretrainedEncoders encoders;
    private final LongSupplier statesHeapBytes;

    /** A trainer on one thread, without encoders. */
    public ClassifierTrainer() {
        this(1);
    }

    /**
     * A trainer without encoders.
     *
     * @param workers network replicas trained in parallel (1 = DL4J's single-threaded trainer); a file too
     *     small to give each replica 256 minibatches per epoch trains on fewer
     */
    public ClassifierTrainer(int workers) {
        this(workers, PretrainedEncoders.NONE, ClassifierTrainer::quarterOfFreeHeap);
    }

    /**
     * @param encoders the encoders a job's {@code encoder} setting names
     * @param statesHeapBytes asked once per job: how much heap the encoder's states of the job's texts may take;
     *     states that need more are kept in a memory-mapped temporary file
     */
    public ClassifierTrainer(int workers, PretrainedEncoders encoders, LongSupplier statesHeapBytes) {
        this(workers, MIN_BATCHES_PER_REPLICA, encoders, statesHeapBytes);
    }

    ClassifierTrainer(int workers, int minBatchesPerReplica) {
        this(workers, minBatchesPerReplica, PretrainedEncoders.NONE, ClassifierTrainer::quarterOfFreeHeap);
    }

    ClassifierTrainer(int workers, int minBatchesPerReplica, PretrainedEncoders encoders, LongSupplier statesHeapBytes) {
        this.workers = Math.max(1, workers);
        this.minBatchesPerReplica = minBatchesPerReplica;
        this.encoders = encoders;
        this.statesHeapBytes = statesHeapBytes;
    }

    private static long quarterOfFreeHeap() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory())) / 4;
    }

    /**
     * @param labels label names; {@code train.labels()} and {@code validation.labels()} index into it
     * @param wordVectors pre-computed vectors to start the embedding from, or null
     * @param cancelled polled between minibatches
     */
    public TrainingResult train(LabelledTexts train, LabelledTexts validation, List<String> labels, HyperParameters hp,
                                WordVectorTable wordVectors, TrainingObserver observer, BooleanSupplier cancelled) {
        List<List<String>> trainTokens = tokenizeAll(train.texts());
        if (hp.usesEncoder()) {
            PretrainedEncoder encoder = encoders.get(hp.encoder());
            return train(Vocabulary.reservedOnly(), piecesOf(trainTokens, encoder, hp, train.labels()),
                    piecesOf(tokenizeAll(validation.texts()), encoder, hp, validation.labels()), labels, hp,
                    wordVectors, observer, cancelled);
        }
        Vocabulary vocabulary = Vocabulary.build(trainTokens, hp.minWordFrequency(), hp.maxVocabularySize());
        // with long texts read in windows, the texts are kept whole here and windowed by inputs()
        int kept = TextWindows.keptLength(hp);
        EncodedTexts encodedTrain = new EncodedTexts(encodeAll(trainTokens, vocabulary, kept), train.labels());
        return train(vocabulary, encodedTrain, EncodedTexts.encode(validation, tokenizer, vocabulary, kept), labels,
                hp, wordVectors, observer, cancelled);
    }

    private static EncodedTexts piecesOf(List<List<String>> tokens, PretrainedEncoder encoder, HyperParameters hp,
                                         int[] labels) {
        int[][] pieces = new int[tokens.size()][];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = hp.longTextReading() == LongText.CHUNK
                    ? EncoderPieces.whole(encoder, tokens.get(i), hp.maxSequenceLength())
                    : EncoderPieces.of(encoder, tokens.get(i), hp.maxSequenceLength());
        }
        return new EncodedTexts(pieces, labels);
    }

    /**
     * The same on data that was tokenised and encoded as it was read (see {@code dataset.PreparedDataset}),
     * with the vocabulary built from the training part of it. When the settings name an encoder, the sequences
     * are that encoder's pieces ({@link EncoderPieces}), whose states are computed once, before the first epoch.
     *
     * @param vocabulary the ids of {@code train} and {@code validation}; it becomes the model's
     */
    public TrainingResult train(Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation, List<String> labels,
                                HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer, BooleanSupplier cancelled) {
        return train(vocabulary, train, validation, labels, hp, wordVectors, observer, cancelled, Long.MAX_VALUE);
    }

    /**
     * The same within a time budget: no epoch starts that would, at the pace of the one before, end after
     * {@code deadlineNanos} ({@link System#nanoTime()}); the best epoch so far is kept.
     */
    public TrainingResult train(Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation, List<String> labels,
                                HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                BooleanSupplier cancelled, long deadlineNanos) {
        long start = System.nanoTime();
        TrainingInputs inputs = inputs(hp, train, validation, observer, cancelled);
        if (inputs == null) {
            return cancelled(hp, vocabulary, null, start);
        }
        return train(vocabulary, inputs, labels, hp, wordVectors, observer, cancelled, deadlineNanos);
    }

    /**
     * The job's texts as the networks of {@code hp} read them: token ids, or the states of the encoder it names,
     * computed here (the observer hears how far); null when cancelled meanwhile.
     */
    TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation, TrainingObserver observer,
                          BooleanSupplier cancelled) {
        if (!hp.usesEncoder()) {
            return TrainingInputs.ofTokenIds(train, validation, hp);
        }
        return TrainingInputs.ofEncoder(train, validation, ModelEncoder.of(encoders, hp.encoder()),
                statesHeapBytes.getAsLong(), observer, cancelled, hp);
    }

    /**
     * About how long {@link #inputs} takes: nothing for token ids; for an encoder, its time on a sample of the
     * texts (a fraction of a second, see {@link EncoderStates#estimatedSeconds}) scaled to all of them.
     */
    double encodingSeconds(HyperParameters hp, EncodedTexts train, EncodedTexts validation) {
        if (!hp.usesEncoder()) {
            return 0;
        }
        if (hp.longTextReading() == LongText.CHUNK) {
            // the encoder reads each window of a long text as a text of its own (the whole one may be too long)
            train = TextWindows.of(train, true, hp.maxSequenceLength(), hp.longTextStride()).windows();
            validation = TextWindows.of(validation, true, hp.maxSequenceLength(), hp.longTextStride()).windows();
        }
        return EncoderStates.estimatedSeconds(encoders.get(hp.encoder()), train.sequences(), validation.sequences());
    }

    /** The same on inputs built by {@link #inputs}, which several configurations of one job share. */
    TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels, HyperParameters hp,
                         WordVectorTable wordVectors, TrainingObserver observer, BooleanSupplier cancelled,
                         long deadlineNanos) {
        if (hp.usesEncoder() != (inputs.encoder() != null)
                || hp.usesEncoder() && !hp.encoder().equals(inputs.encoder().name())) {
            throw new IllegalArgumentException("the inputs are not those of encoder setting " + hp.encoder());
        }
        if (hp.members() == 1) {
            return trainOne(vocabulary, inputs, labels, hp, wordVectors, observer, cancelled, deadlineNanos);
        }
        // an ensemble: the same configuration from consecutive seeds, on the same split and vocabulary
        long start = System.nanoTime();
        List<TrainingResult> members = new ArrayList<>();
        for (int i = 0; i < hp.members(); i++) {
            TrainingResult member = trainOne(vocabulary, inputs, labels, hp.forMember(i), wordVectors,
                    observer, cancelled, deadlineNanos);
            if (member.cancelled()) {
                return member;
            }
            members.add(member);
        }
        return ensemble(members, inputs, labels, hp, (System.nanoTime() - start) / 1e9);
    }

    /**
     * One model of networks trained from consecutive seeds of one configuration on the same inputs, their
     * probabilities averaged, scored on the validation rows (a multi-label one's thresholds tuned there); its
     * history and speed are the first member's, and each member's own validation figures are kept.
     *
     * @param hp the ensemble's settings
     * @param seconds the members' trainings together
     */
    static TrainingResult ensemble(List<TrainingResult> members, TrainingInputs inputs, List<String> labels,
                                   HyperParameters hp, double seconds) {
        TextClassifier ensemble = TextClassifier.ensemble(members.stream().map(TrainingResult::classifier).toList())
                .readingLongText(hp.longTextReading(), hp.longTextStride());
        EncodedTexts validation = inputs.validation();
        EvaluationReport evaluation;
        if (validation.multiLabel()) {
            evaluation = tuneThresholds(ensemble, inputs.validationFeatures(), validation, labels);
        } else {
            int[] predicted = ensemble.predictedLabels(inputs.validationFeatures(), inputs.validationWindows());
            evaluation = Evaluations.report(labels, inputs.validationLabels(), predicted);
        }
        TrainingResult first = members.get(0);
        return new TrainingResult(false, ensemble, evaluation, hp, first.history(), first.bestEpoch(),
                first.vocabularySize(), first.wordVectorsCovered(), seconds, first.examplesPerSecond(),
                first.tokensPerSecond(), members.stream().map(TrainingResult::evaluation).toList());
    }

    private TrainingResult trainOne(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels,
                                    HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                    BooleanSupplier cancelled, long deadlineNanos) {
        long start = System.nanoTime();
        EncodedTexts train = inputs.train();
        EncodedTexts validation = inputs.validation();
        SequenceFeatures trainInput = inputs.trainFeatures().forEngine(hp.engine());
        SequenceFeatures validationInput = inputs.validationFeatures().forEngine(hp.engine());
        long trainTokenCount = 0;
        for (int row = 0; row < trainInput.size(); row++) {
            trainTokenCount += trainInput.length(row);
        }

        PretrainedEmbeddings pretrained = null;
        if (inputs.encoder() != null) {
            // the encoder's states are the LSTM's input, as pre-computed vectors would be
            hp = hp.withEmbeddingSize(inputs.stepDimension());
        } else if (wordVectors != null) {
            pretrained = PretrainedEmbeddings.pick(wordVectors, vocabulary, hp.seed());
            hp = hp.withEmbeddingSize(pretrained.dimensions);
        }
        observer.onStart(trainInput.size(), trainTokenCount);
        boolean multiLabel = train.multiLabel();
        // a student learning its teacher's logits trains a linear output on their squared error, each window of a
        // long text weighing 1 (scaling a target row, which weighs a cross-entropy, would change a squared error's
        // target instead)
        boolean logits = hp.distillationLoss() == HyperParameters.DistillationLoss.LOGITS && train.targets() != null
                && !multiLabel;
        float[][] trainTargets = logits ? centredLogProbabilities(train.targets()) : train.targets();
        float[] trainWeights = logits ? null : inputs.trainWeights();
        // a multi-label loss is one binary cross-entropy per label, and a squared error has no labels to weigh:
        // the softmax's class weights apply to neither. A long text's windows weigh as one text, so the labels'
        // shares are those of the texts
        double[] classWeights = multiLabel || logits ? null : hp.balancesClasses()
                ? NetworkFactory.balancedClassWeights(inputs.trainWindows() == null ? train.labels()
                        : inputs.trainWindows().textLabels(), labels.size())
                : trainWeights != null ? NetworkFactory.uniformClassWeights(labels.size()) : null;
        MultiLayerNetwork network = NetworkFactory.create(hp, vocabulary.size(), labels.size(),
                pretrained == null ? null : pretrained.weights, classWeights, multiLabel, logits);
        float[][] validationTargets = validation.multiLabel() ? validation.targets() : null;
        Integer covered = pretrained == null ? null : pretrained.covered;
        Phase first = fit(network, hp, trainInput, train.labels(), trainTargets, trainWeights,
                validationInput, inputs.validationWindows(), inputs.validationLabels(), validationTargets, labels,
                observer, cancelled, List.of(), deadlineNanos);
        if (first == null) {
            return cancelled(hp, vocabulary, covered, start);
        }
        Phase kept = first;
        if (pretrained != null && hp.freezeEmbeddings() && hp.fineTuneEpochs() > 0) {
            // second phase: the frozen vectors become trainable, at a tenth of the rate, from the best weights
            HyperParameters tuning = hp.forFineTuning();
            MultiLayerNetwork tuned = NetworkFactory.create(tuning, vocabulary.size(), labels.size(), null,
                    classWeights, multiLabel, logits);
            tuned.setParams(first.best().params().dup());
            Phase second = fit(tuned, tuning, trainInput, train.labels(), trainTargets, trainWeights,
                    validationInput, inputs.validationWindows(), inputs.validationLabels(), validationTargets, labels,
                    observer, cancelled, first.history(), deadlineNanos);
            if (second == null) {
                return cancelled(hp, vocabulary, covered, start);
            }
            // kept only if validation improves: the selection score is lower-is-better
            kept = second.score() < first.score() ? second : first.withHistory(second.history());
        }
        if (logits) {
            kept = kept.withNetwork(NetworkFactory.withSoftmax(kept.best(), hp, vocabulary.size(), labels.size()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        TextClassifier classifier = new TextClassifier(kept.best(), vocabulary, labels, hp.maxSequenceLength(),
                inputs.encoder()).readingLongText(hp.longTextReading(), hp.longTextStride());
        EvaluationReport evaluation = multiLabel
                ? tuneThresholds(classifier, inputs.validationFeatures(), validation, labels) : kept.evaluation();
        // speed as measured in the first phase (a second one trains the same network, plus the embedding)
        double epochs = Math.max(1, first.history().size());
        double trainSeconds = Math.max(1e-9, first.trainingNanos() / 1e9);
        return new TrainingResult(false, classifier, evaluation, hp, kept.history(),
                kept.bestEpoch(), vocabulary.size(), covered, seconds,
                train.size() * epochs / trainSeconds, trainTokenCount * epochs / trainSeconds, List.of());
    }

    /**
     * One early-stopping run of a network: its best epoch's weights and evaluation, or null when cancelled.
     *
     * @param earlier the epochs of an earlier phase of the same job, which this one's numbering continues
     */
    private Phase fit(MultiLayerNetwork network, HyperParameters hp, SequenceFeatures trainInput, int[] trainLabels,
                      float[][] trainTargets, float[] trainWeights, SequenceFeatures validationInput,
                      TrainingInputs.Windows validationWindows, int[] validationLabels, float[][] validationTargets,
                      List<String> labels, TrainingObserver observer, BooleanSupplier cancelled,
                      List<EpochMetrics> earlier, long deadlineNanos) {
        int batches = (trainInput.size() + hp.batchSize() - 1) / hp.batchSize();
        int replicas = Math.max(1, Math.min(workers, batches / minBatchesPerReplica));
        // soft targets, when the data has them, are what the loss reads; validation keeps the hard labels
        // a long text's windows weigh 1/windows each in the loss (their label rows scaled, see SequenceBatch)
        BucketedDataSetIterator trainIterator = new BucketedDataSetIterator(trainInput, trainLabels, trainTargets,
                trainWeights, labels, hp.batchSize(), hp.seed() + earlier.size(), true, cancelled, replicas);
        PlateauLearningRate learningRate = PlateauLearningRate.start(hp.learningRate());
        // every layer with a learning rate follows the one the plateau rule lowers (replicas included)
        network.setLearningRate(learningRate);
        // the plateau rule belongs to early stopping: a run that never stops early keeps its rate
        ValidationScore validationScore = new ValidationScore(validationInput, validationWindows, validationLabels,
                validationTargets,
                labels, hp.batchSize(), hp.selection(), learningRate, hp.earlyStoppingPatience() > 0);
        // with replicas, only the first one (the network itself) reports its minibatches
        int reportedBatches = (trainIterator.batchCount() + replicas - 1) / replicas;
        Progress progress = new Progress(observer, reportedBatches, validationScore, network, earlier.size() + 1);
        network.setListeners(progress);

        List<EpochTerminationCondition> epochConditions = new ArrayList<>();
        epochConditions.add(new MaxEpochsTerminationCondition(hp.epochs()));
        // a cancel that lands between batches (or before the first) ends the epoch loop too
        epochConditions.add(new CancelCondition(cancelled));
        if (hp.earlyStoppingPatience() > 0) {
            epochConditions.add(new PatienceCondition(validationScore, hp.earlyStoppingPatience()));
        }
        if (deadlineNanos != Long.MAX_VALUE) {
            epochConditions.add(new DeadlineCondition(deadlineNanos));
        }
        InMemoryModelSaver<MultiLayerNetwork> saver = new InMemoryModelSaver<>();
        try {
            // DL4J dereferences the saved best model when a run stops inside its first epoch (cancel, NaN)
            saver.saveBestModel(network, Double.NaN);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        EarlyStoppingConfiguration<MultiLayerNetwork> config = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .epochTerminationConditions(epochConditions)
                .iterationTerminationConditions(new InvalidScoreIterationTerminationCondition(),
                        new CancelCondition(cancelled))
                .scoreCalculator(validationScore)
                .evaluateEveryNEpochs(1)
                .modelSaver(saver)
                .build();
        IEarlyStoppingTrainer<MultiLayerNetwork> trainer = replicas == 1
                ? new EarlyStoppingTrainer(config, network, trainIterator, progress)
                : new EarlyStoppingParallelTrainer<>(config, network, trainIterator, null, progress, replicas, 0, 1,
                        false, false);
        EarlyStoppingResult<MultiLayerNetwork> result;
        try {
            result = trainer.fit();
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e);
        } finally {
            learningRate.close();
        }
        if (cancelled.getAsBoolean()) {
            return null;
        }
        switch (result.getTerminationReason()) {
            case Error -> {
                // a replica's failure reaches the parallel trainer as text
                if (String.valueOf(result.getTerminationDetails()).contains("OutOfMemoryError")) {
                    throw outOfMemory(null);
                }
                throw new TrainingFailedException("training failed: " + result.getTerminationDetails());
            }
            case IterationTerminationCondition -> throw new TrainingFailedException(
                    "training diverged: the loss became NaN or infinite (try a lower learning rate)");
            default -> {
            }
        }
        MultiLayerNetwork best = result.getBestModel();
        if (best == null) {
            throw new TrainingFailedException("training finished without a model (no epoch completed)");
        }
        best.setListeners();
        // a fixed rate in the stored configuration instead of the run's schedule, which ends with the run
        best.setLearningRate(learningRate.current());
        // the validation data is encoded already; the best network is what the classifier runs
        double score = validationScore.calculateScore(best);
        List<EpochMetrics> history = new ArrayList<>(earlier);
        history.addAll(progress.history);
        return new Phase(best, validationScore.last, score, List.copyOf(history),
                earlier.size() + result.getBestModelEpoch() + 1, progress.trainingNanos);
    }

    /**
     * The outcome of one phase.
     *
     * @param score the best network's selection score (lower is better)
     * @param history every epoch of the job so far, earlier phases included
     * @param bestEpoch the kept epoch, counted over the whole job (1-based)
     * @param trainingNanos this phase's training time, validation excluded
     */
    private record Phase(MultiLayerNetwork best, EvaluationReport evaluation, double score, List<EpochMetrics> history,
                         int bestEpoch, long trainingNanos) {

        /** This phase's model, with the epochs of a later phase that was not kept. */
        Phase withHistory(List<EpochMetrics> all) {
            return new Phase(best, evaluation, score, all, bestEpoch, trainingNanos);
        }

        /** This phase with {@code network} (the same weights, another output) as its model. */
        Phase withNetwork(MultiLayerNetwork network) {
            return new Phase(network, evaluation, score, history, bestEpoch, trainingNanos);
        }
    }

    /**
     * The targets of {@link HyperParameters.DistillationLoss#LOGITS}: each row's log-probabilities, each floored at
     * 1e-4 (a probability of 0 has no logarithm; the floor keeps the targets within about 9 of each other), less
     * their mean, which is the teacher's logits up to the shift a softmax ignores.
     */
    static float[][] centredLogProbabilities(float[][] probabilities) {
        float[][] out = new float[probabilities.length][];
        for (int i = 0; i < out.length; i++) {
            float[] p = probabilities[i];
            float[] z = new float[p.length];
            double mean = 0;
            for (int c = 0; c < p.length; c++) {
                z[c] = (float) Math.log(Math.max(p[c], LOGIT_FLOOR));
                mean += z[c];
            }
            mean /= p.length;
            for (int c = 0; c < p.length; c++) {
                z[c] -= (float) mean;
            }
            out[i] = z;
        }
        return out;
    }

    /**
     * Tunes a multi-label classifier's thresholds on the validation texts (each label's F1 at its best, see
     * {@link MultiLabelEvaluation#tuneThresholds}), sets them, and returns its figures there at those thresholds.
     */
    static EvaluationReport tuneThresholds(TextClassifier classifier, SequenceFeatures validationInput,
                                           EncodedTexts validation, List<String> labels) {
        float[][] probabilities = classifier.allProbabilities(validationInput);
        boolean[][] truth = MultiLabelEvaluation.sets(validation.targets());
        double[] thresholds = MultiLabelEvaluation.tuneThresholds(probabilities, truth, labels.size());
        classifier.withThresholds(thresholds);
        return MultiLabelEvaluation.report(labels, truth, MultiLabelEvaluation.decide(probabilities, thresholds),
                thresholds);
    }

    /** The result of a training cancelled before it produced a model; {@code start} as {@link System#nanoTime()}. */
    static TrainingResult cancelled(HyperParameters hp, Vocabulary vocabulary, Integer covered, long start) {
        return new TrainingResult(true, null, null, hp, List.of(), 0, vocabulary.size(), covered,
                (System.nanoTime() - start) / 1e9, 0, 0, List.of());
    }

    private static TrainingFailedException outOfMemory(Throwable cause) {
        return new TrainingFailedException("ran out of memory: use a smaller batch size, model or maximum sequence length", cause);
    }

    private List<List<String>> tokenizeAll(List<String> texts) {
        List<List<String>> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(tokenizer.tokenize(text));
        }
        return out;
    }

    private static int[][] encodeAll(List<List<String>> tokens, Vocabulary vocabulary, int maxLength) {
        int[][] out = new int[tokens.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vocabulary.encode(tokens.get(i), maxLength);
        }
        return out;
    }

    /**
     * The selection metric as the early-stopping score, lower is better ({@code 1 - accuracy}, {@code 1 -
     * macro-F1} or the mean cross-entropy): DL4J's parallel trainer keeps the lowest score as the best
     * whatever {@code minimizeScore()} says. With early stopping on, an epoch that does not improve on the best
     * score halves the learning rate for the next one, so that a plateau gets a finer step before early
     * stopping ends the run.
     * Keeps the full evaluation for the epoch history, and the time spent, which training speed does not count.
     */
    private static final class ValidationScore implements ScoreCalculator<MultiLayerNetwork> {
        private final transient SequenceFeatures texts;
        // whose windows the rows are, when they are windows of long texts; null when every row is a text
        private final transient TrainingInputs.Windows windows;
        private final transient int[] labels;
        // multi-hot rows of a multi-label validation split, else null
        private final transient float[][] targets;
        private final transient List<String> labelNames;
        private final int batchSize;
        private final HyperParameters.SelectionMetric metric;
        private final transient PlateauLearningRate learningRate;
        private final boolean halveOnPlateau;
        private transient EvaluationReport last;
        private transient double lastLoss = Double.NaN;
        private transient double lastRate = Double.NaN;
        private transient double best = Double.POSITIVE_INFINITY;
        private transient double bestLoss = Double.POSITIVE_INFINITY;
        // validations since the selection figure or the loss last improved
        private transient int sinceProgress;
        private transient long nanos;

        /** @param labels each text's label (not each window's); @param targets multi-hot rows, or null */
        ValidationScore(SequenceFeatures texts, TrainingInputs.Windows windows, int[] labels, float[][] targets,
                        List<String> labelNames,
                        int batchSize, HyperParameters.SelectionMetric metric, PlateauLearningRate learningRate,
                        boolean halveOnPlateau) {
            this.texts = texts;
            this.windows = windows;
            this.labels = labels;
            this.targets = targets;
            this.labelNames = labelNames;
            this.batchSize = Math.max(batchSize, 64);
            this.metric = metric;
            this.learningRate = learningRate;
            this.halveOnPlateau = halveOnPlateau;
        }

        @Override
        public double calculateScore(MultiLayerNetwork network) {
            long start = System.nanoTime();
            if (targets != null) {
                multiLabelFigures(network);
            } else if (windows != null) {
                windowedScore(network);
            } else {
                BucketedDataSetIterator it = new BucketedDataSetIterator(texts, labels, labelNames, batchSize, 0,
                        false, () -> false, 1);
                Evaluation eval = new Evaluation(labelNames, 1);
                double lossSum = 0;
                while (it.hasNext()) {
                    DataSet ds = it.next();
                    INDArray out = probabilities(network, ds.getFeatures(), ds.getFeaturesMaskArray());
                    eval.eval(ds.getLabels(), out);
                    // cross-entropy from the softmax output, as the loss function computes it (without regularisation)
                    INDArray truth = out.mul(ds.getLabels()).sum(1);
                    lossSum -= Transforms.log(Transforms.max(truth, 1e-12, false), false).sumNumber().doubleValue();
                }
                last = Evaluations.report(labelNames, eval, texts.size());
                lastLoss = texts.size() == 0 ? Double.NaN : lossSum / texts.size();
            }
            // multi-label versions are compared on micro-F1 where single-label ones are on macro-F1
            double score = switch (metric) {
                case ACCURACY -> 1.0 - last.accuracy();
                case MACRO_F1 -> 1.0 - (targets != null ? last.multiLabel().microF1() : last.macroF1());
                case LOSS -> lastLoss;
            };
            lastRate = learningRate.current();
            // progress is either figure improving: the kept epoch is the best by the selection figure, but a
            // macro-F1 on a few hundred rows swings by a standard error between epochs while the loss still falls,
            // and stopping on it alone turned a last-place rounding change into three points on SST-5
            // (docs/experiments.md, runs 123-128); a loss that has stopped falling while macro-F1 still rises
            // (TREC) is progress the other way round
            boolean progress = score < best;
            if (metric != HyperParameters.SelectionMetric.LOSS && lastLoss < bestLoss) {
                bestLoss = lastLoss;
                progress = true;
            }
            best = Math.min(best, score);
            if (progress) {
                sinceProgress = 0;
            } else {
                sinceProgress++;
                if (halveOnPlateau) {
                    learningRate.halve();
                }
            }
            nanos += System.nanoTime() - start;
            return score;
        }

        /** The network's probabilities: its output, through a softmax when it outputs logits. */
        private static INDArray probabilities(MultiLayerNetwork network, INDArray features, INDArray mask) {
            INDArray out = network.output(features, false, mask, null);
            return NetworkFactory.outputsLogits(network) ? Transforms.softmax(out, false) : out;
        }

        /**
         * The figures of the texts whose windows the rows are, as serving reads them: each text's probabilities
         * the mean of its windows'.
         */
        private void windowedScore(MultiLayerNetwork network) {
            int[] lengths = new int[texts.size()];
            java.util.Arrays.setAll(lengths, texts::length);
            int[] order = TextClassifier.sortedByLength(lengths);
            double[][] sums = new double[windows.texts()][labelNames.size()];
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                INDArray[] fm = texts.featuresAndMask(order, from, to);
                float[][] rows = probabilities(network, fm[0], fm[1]).toFloatMatrix();
                for (int r = from; r < to; r++) {
                    int window = order[r];
                    double weight = windows.weights()[window];
                    double[] sum = sums[windows.textOf()[window]];
                    for (int c = 0; c < sum.length; c++) {
                        sum[c] += weight * rows[r - from][c];
                    }
                }
            }
            int[] predicted = new int[sums.length];
            double lossSum = 0;
            for (int t = 0; t < sums.length; t++) {
                int best = 0;
                for (int c = 1; c < sums[t].length; c++) {
                    if (sums[t][c] > sums[t][best]) {
                        best = c;
                    }
                }
                predicted[t] = best;
                lossSum -= Math.log(Math.max(sums[t][labels[t]], 1e-12));
            }
            last = Evaluations.report(labelNames, labels, predicted);
            lastLoss = sums.length == 0 ? Double.NaN : lossSum / sums.length;
        }

        /**
         * A multi-label epoch's figures: every label's threshold tuned on the validation split as the version will
         * be, then the figures at those thresholds (accuracy is subset accuracy) and the mean binary cross-entropy
         * over the labels.
         */
        private void multiLabelFigures(MultiLayerNetwork network) {
            BucketedDataSetIterator it = new BucketedDataSetIterator(texts, labels, targets, labelNames, batchSize,
                    0, false, () -> false, 1);
            float[][] probabilities = new float[texts.size()][];
            float[][] truthRows = new float[texts.size()][];
            int row = 0;
            double lossSum = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray out = network.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null);
                float[][] p = out.toFloatMatrix();
                float[][] y = ds.getLabels().toFloatMatrix();
                for (int r = 0; r < p.length; r++) {
                    for (int c = 0; c < p[r].length; c++) {
                        double q = Math.min(Math.max(p[r][c], 1e-7), 1 - 1e-7);
                        lossSum -= y[r][c] > 0.5f ? Math.log(q) : Math.log(1 - q);
                    }
                    probabilities[row] = p[r];
                    truthRows[row] = y[r];
                    row++;
                }
            }
            boolean[][] truth = MultiLabelEvaluation.sets(truthRows);
            double[] thresholds = MultiLabelEvaluation.tuneThresholds(probabilities, truth, labelNames.size());
            last = MultiLabelEvaluation.report(labelNames, truth, MultiLabelEvaluation.decide(probabilities, thresholds),
                    thresholds);
            lastLoss = texts.size() == 0 ? Double.NaN : lossSum / ((double) texts.size() * labelNames.size());
        }

        @Override
        public boolean minimizeScore() {
            return true;
        }
    }

    /** Ends the run within one minibatch, or at the end of an epoch that saw no batch, once cancelled. */
    private record CancelCondition(BooleanSupplier cancelled)
            implements IterationTerminationCondition, EpochTerminationCondition {
        @Override
        public void initialize() {
        }

        @Override
        public boolean terminate(double lastMiniBatchScore) {
            return cancelled.getAsBoolean();
        }

        @Override
        public boolean terminate(int epochNum, double score, boolean minimize) {
            return cancelled.getAsBoolean();
        }
    }

    /**
     * Early stopping: ends the run once {@code patience} validations in a row improved neither the selection figure
     * nor the validation loss ({@link ValidationScore}). With the loss as the selection figure, that is DL4J's
     * {@code ScoreImprovementEpochTerminationCondition}.
     */
    private record PatienceCondition(ValidationScore validation, int patience) implements EpochTerminationCondition {
        @Override
        public void initialize() {
        }

        @Override
        public boolean terminate(int epochNum, double score, boolean minimize) {
            return validation.sinceProgress >= patience;
        }
    }

    /** Ends the run after an epoch when another one, as long as the last, would end after the deadline. */
    private static final class DeadlineCondition implements EpochTerminationCondition {
        private final long deadlineNanos;
        private long epochStart = System.nanoTime();

        DeadlineCondition(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void initialize() {
            epochStart = System.nanoTime();
        }

        @Override
        public boolean terminate(int epochNum, double score, boolean minimize) {
            long now = System.nanoTime();
            long lastEpoch = now - epochStart;
            epochStart = now;
            return now + lastEpoch > deadlineNanos;
        }
    }

    /** Feeds the observer from DL4J's batch and epoch callbacks. */
    private static final class Progress extends BaseTrainingListener implements EarlyStoppingListener<MultiLayerNetwork> {
        private final TrainingObserver observer;
        private final int totalBatches;
        private final ValidationScore validation;
        private final Model reporting;
        private final List<EpochMetrics> history = new ArrayList<>();
        private int epoch = 1;
        private int batch;
        private double lossSum;
        private long epochStart = System.nanoTime();
        private long trainingNanos;

        Progress(TrainingObserver observer, int totalBatches, ValidationScore validation, Model reporting,
                 int firstEpoch) {
            this.epoch = firstEpoch;
            this.reporting = reporting;
            this.observer = observer;
            this.totalBatches = totalBatches;
            this.validation = validation;
        }

        @Override
        public synchronized void iterationDone(Model model, int iteration, int epochIgnored) {
            // every replica carries this listener; the first one trains the network itself and is the one counted
            if (model != reporting) {
                return;
            }
            batch++;
            double loss = model.score();
            lossSum += loss;
            observer.onBatch(epoch, batch, totalBatches, loss);
        }

        @Override
        public synchronized void onStart(EarlyStoppingConfiguration<MultiLayerNetwork> config, MultiLayerNetwork net) {
            epochStart = System.nanoTime();
        }

        @Override
        public synchronized void onEpoch(int epochNum, double score, EarlyStoppingConfiguration<MultiLayerNetwork> config,
                                         MultiLayerNetwork net) {
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            trainingNanos += System.nanoTime() - epochStart - validation.nanos;
            validation.nanos = 0;
            EvaluationReport report = validation.last;
            EpochMetrics metrics = new EpochMetrics(epoch, batch == 0 ? Double.NaN : lossSum / batch,
                    report == null ? Double.NaN : report.accuracy(), report == null ? Double.NaN : report.macroF1(),
                    seconds, report == null ? null : validation.lastLoss,
                    report == null ? null : report.accuracyStandardError(),
                    report == null ? null : report.macroF1StandardError(),
                    Double.isNaN(validation.lastRate) ? null : validation.lastRate);
            history.add(metrics);
            observer.onEpoch(metrics);
            epoch++;
            batch = 0;
            lossSum = 0;
            epochStart = System.nanoTime();
        }

        @Override
        public void onCompletion(EarlyStoppingResult<MultiLayerNetwork> result) {
        }
    }

}
