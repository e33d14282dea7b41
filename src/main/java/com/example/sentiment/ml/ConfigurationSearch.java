package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains several candidate configurations and keeps one: the best by macro-F1, except that an earlier (simpler)
 * candidate is preferred unless a later one beats it by more than {@value #PREFERENCE_IN_STANDARD_ERRORS}
 * standard errors of the difference, in macro-F1 or, with a higher macro-F1, in accuracy ({@link #replaces}),
 * because on a small sample a smaller difference is noise, and the simpler model is cheaper to serve. Both
 * candidates are scored on the same rows, so the error is that of the paired difference ({@link PairedComparison}):
 * it counts the spread of both figures less what they share, where one figure's own error counted neither.
 *
 * <p>Every candidate is trained on all training rows, stopping early on the validation split; the kept one's
 * model is the result. Which rows decide: on a file of more than {@link CrossValidation#maxRows()} training rows,
 * the validation split. On a smaller one, a 10% split is too few rows to tell candidates apart (400 rows of a
 * 4,000-row file kept the worse of two candidates, issue 25), so the candidates are then also cross-validated:
 * stratified k folds of the training rows, each predicted by a model of the candidate trained on the other
 * folds (stopping on the same validation split), and the out-of-fold predictions of every training row decide.
 *
 * <p>Trainings share a time budget. The candidates' trainings on all rows come first, each with a part of what
 * the ones before it left, in proportion to its shares ({@value #ENCODER_SHARES} for a candidate reading an
 * encoder's states, which needs more time an epoch, one for the others; the first always trains, within the whole budget if it is alone, so that a job
 * always produces a model; a later one is skipped when nothing is left). Their times decide whether the folds
 * fit: k folds cost about k times a candidate's training on all rows (each trains on fewer rows, but validates
 * on the whole split every epoch, and predicts its fold). If they do not fit in what is left, the validation
 * split decides and the report says why; if they do, each fold gets a part of what is left in proportion to its
 * candidate's training time, and a candidate whose folds the budget cannot finish is left out of the comparison
 * (when that is the first one, the validation split decides). A distilled student's training rows (a teacher's
 * soft targets, over augmented copies of each text) are never cross-validated: a text's copies would land in the
 * folds that predict it.
 *
 * <p>The candidates read the same rows, in the same order, through one {@link View} per encoder: word ids, or the
 * pieces of a pretrained encoder with their own vocabulary. An encoder's states are computed once, right before
 * the first candidate that reads them, and serve every later candidate and fold of that encoder; their time counts
 * against the budget, as part of that candidate's part of it. Before a later candidate pays for them, their time
 * is estimated ({@link Trainer#encodingSeconds}), once, before the first candidate trains: the estimates, in the
 * candidates' order while together at most half the budget, are kept aside from the parts of the candidates before
 * them, so that the cheaper candidates that come first do not spend the time an encoder needs (a 10,000-row job
 * skipped its encoder candidate when they did, issue 25). When the estimate is more than the candidate's part of
 * what is left at its turn, it is skipped, and its report says why.
 *
 * <p>When the kept candidate reads an encoder's states, the budget the comparison left goes to more heads of it
 * ({@link #ENCODER_HEADS} networks in all, from the next seeds, over the states already computed), as long as
 * each fits what is left at the pace of its first training; the version is then their ensemble, and the kept
 * candidate's report says so ({@link CandidateReport#ensemble()}). A search of one candidate trains what it names.
 *
 * <p>A job trains on one core. When the process has another to spare ({@code secondHeadAlongside}), an encoder
 * candidate's second head trains on it at the same time as the candidate itself, from the next seed and within
 * the same part of the budget: if the candidate is kept, that head is already there at no cost in time, and the
 * budget left goes to the heads after it; if not, it is dropped. Each training's random numbers are its own
 * thread's, so the candidate's network is the same with or without it.
 */
public final class ConfigurationSearch {

    private static final Logger log = LoggerFactory.getLogger(ConfigurationSearch.class);

    static final double PREFERENCE_IN_STANDARD_ERRORS = 1.5;
    /** A candidate reading an encoder's states gets this many parts of the budget to a word-vector one's one. */
    static final int ENCODER_SHARES = 2;
    /**
     * The most heads a kept encoder candidate's version gets from the budget the comparison left: further
     * networks of its settings from the next seeds, over the states already computed, their probabilities
     * averaged. Three seeds of an encoder head gained 0.46 points on SST-2 (docs/experiments.md, run 91) and
     * several seeds of a word-vector model 1.8 on TREC (run 29); each costs its training but adds little to
     * serving, where the encoder, run once per text for every head, takes most of the time.
     */
    static final int ENCODER_HEADS = 3;
    /**
     * A further head starts only when what is left of the budget is at least this many times the kept
     * candidate's own training: another seed may stop a little later, and the job still has its version to
     * score and store after the search.
     */
    static final double HEAD_MARGIN = 1.25;
    /** A macro-F1 difference smaller than this is reported as a tie (it does not show at four decimals). */
    static final double TIE = 5e-5;

    /** One configuration to try, with the name the job and the version's metadata show. */
    public record Candidate(String name, HyperParameters hyperParameters) {
    }

    /**
     * The job's training and validation rows as the candidates of one encoder read them. The views of one search
     * hold the same rows in the same order, so that candidates of different views are compared row by row.
     *
     * @param encoder the encoder whose pieces the sequences are ({@link HyperParameters#encoder()}), or null for
     *                word ids
     * @param vocabulary the ids of the sequences: it becomes the model's when a candidate of this view is kept
     * @param leftOut why the rows could not be had this way (then the rows are null and the view's candidates are
     *                skipped with that reason as their note), or null
     */
    public record View(String encoder, Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation,
                       String leftOut) {

        /** The rows as the candidates of {@code encoder} read them. */
        public View(String encoder, Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation) {
            this(encoder, vocabulary, train, validation, null);
        }

        /** A view that could not be had (e.g. its pieces do not fit the memory budget): its candidates are skipped. */
        public static View leftOut(String encoder, String why) {
            return new View(encoder, null, null, null, why);
        }
    }

    /**
     * When candidates are compared by k-fold cross-validation instead of on the validation split.
     *
     * @param maxRows training rows (the data less its validation split) up to which a search cross-validates;
     *                0 never does
     * @param folds k: each candidate trains k times, each time on all folds but one
     */
    public record CrossValidation(int maxRows, int folds) {

        /** Never: candidates are compared on the validation split. */
        public static final CrossValidation OFF = new CrossValidation(0, 5);

        public CrossValidation {
            if (maxRows < 0 || folds < 2) {
                throw new IllegalArgumentException("cross-validation needs maxRows >= 0 and at least 2 folds");
            }
        }

        boolean appliesTo(int rows) {
            return rows <= maxRows && rows >= folds;
        }
    }

    /**
     * What one candidate did.
     *
     * @param validationAccuracy of the candidate trained on all training rows, on the validation split (null
     *                           when it was skipped; macro-F1 and its standard error likewise)
     * @param epochs of that training
     * @param trainingSeconds all of the candidate's trainings, folds included, and the computing of its encoder's
     *                        states when it was the first candidate to read them
     * @param note why it was skipped or not chosen, or null when chosen
     * @param comparison the rows the candidates were compared on, in words (the same for every candidate)
     * @param folds k when the candidates were compared by k-fold cross-validation, else null
     * @param comparedRows rows the comparison scored: every training row (cross-validation) or the validation rows
     * @param outOfFoldMacroF1 with cross-validation, the macro-F1 of the candidate's predictions of every training
     *                         row, each by the fold model that did not train on it (standard error and accuracy
     *                         likewise); null otherwise
     * @param ensemble for a kept candidate that reads an encoder's states: whether the search trained further heads
     *                 of it in the budget the comparison left (their number, seeds, time and validation figures), or
     *                 why not; null for the other candidates. Its figures above stay those of its first head, which
     *                 is what was compared; its {@code hyperParameters} and {@code trainingSeconds} are the version's
     */
    public record CandidateReport(String name, HyperParameters hyperParameters, Double validationAccuracy,
                                  Double validationMacroF1, Double validationMacroF1StandardError, Integer epochs,
                                  Double trainingSeconds, boolean chosen, String note, String comparison,
                                  Integer folds, Integer comparedRows, Double outOfFoldAccuracy,
                                  Double outOfFoldMacroF1, Double outOfFoldMacroF1StandardError, String ensemble) {

        /** A candidate's report without a note on further heads. */
        public CandidateReport(String name, HyperParameters hyperParameters, Double validationAccuracy,
                               Double validationMacroF1, Double validationMacroF1StandardError, Integer epochs,
                               Double trainingSeconds, boolean chosen, String note, String comparison,
                               Integer folds, Integer comparedRows, Double outOfFoldAccuracy,
                               Double outOfFoldMacroF1, Double outOfFoldMacroF1StandardError) {
            this(name, hyperParameters, validationAccuracy, validationMacroF1, validationMacroF1StandardError, epochs,
                    trainingSeconds, chosen, note, comparison, folds, comparedRows, outOfFoldAccuracy,
                    outOfFoldMacroF1, outOfFoldMacroF1StandardError, null);
        }

        /** This report as the version's: its settings and time, with what the search did after keeping it. */
        CandidateReport asVersion(HyperParameters settings, double seconds, String what) {
            return new CandidateReport(name, settings, validationAccuracy, validationMacroF1,
                    validationMacroF1StandardError, epochs, Math.round(seconds * 10) / 10.0, chosen, note, comparison,
                    folds, comparedRows, outOfFoldAccuracy, outOfFoldMacroF1, outOfFoldMacroF1StandardError, what);
        }
    }

    /** The chosen candidate's training and the figures of every candidate. */
    public record Outcome(TrainingResult result, List<CandidateReport> candidates) {
    }

    /**
     * What the search needs of a trainer: {@link ClassifierTrainer}'s inputs of a job, its training on them
     * within a deadline, and predictions.
     */
    interface Trainer {

        /** The job's texts as the candidates read them (an encoder's states computed here); null when cancelled. */
        TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation,
                              TrainingObserver observer, BooleanSupplier cancelled);

        /**
         * One model of {@code members} (trained by {@link #train} from consecutive seeds of one configuration on
         * {@code inputs}) whose probabilities are averaged, scored on the validation rows.
         *
         * @param hp the ensemble's settings; {@code seconds} the members' trainings together
         */
        default TrainingResult ensemble(List<TrainingResult> members, TrainingInputs inputs, List<String> labels,
                                        HyperParameters hp, double seconds) {
            return ClassifierTrainer.ensemble(members, inputs, labels, hp, seconds);
        }

        /**
         * About how long {@link #inputs} takes for these settings and texts: 0 for word ids; for an encoder, its
         * pace on a sample of the texts, scaled to all of them.
         */
        default double encodingSeconds(HyperParameters hp, EncodedTexts train, EncodedTexts validation) {
            return 0;
        }

        TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels, HyperParameters hp,
                             WordVectorTable wordVectors, TrainingObserver observer, BooleanSupplier cancelled,
                             long deadlineNanos);

        /**
         * The label index the trained classifier predicts for each of the texts.
         *
         * @param texts the texts; {@code features} the same texts as the network reads them
         */
        default int[] predict(TrainingResult trained, EncodedTexts texts, SequenceFeatures features) {
            return trained.classifier().predictedLabels(features);
        }
    }

    private final Trainer trainer;
    private final CrossValidation crossValidation;
    private final int encoderHeads;
    private final boolean secondHeadAlongside;
    private final LongSupplier clock;

    /** A search that compares candidates on the validation split. */
    public ConfigurationSearch(ClassifierTrainer trainer) {
        this(trainer, CrossValidation.OFF);
    }

    /** A search that keeps up to {@value #ENCODER_HEADS} heads of a kept encoder candidate, as time allows. */
    public ConfigurationSearch(ClassifierTrainer trainer, CrossValidation crossValidation) {
        this(trainer, crossValidation, false);
    }

    /**
     * A search that keeps up to {@value #ENCODER_HEADS} heads of a kept encoder candidate, as time allows.
     *
     * @param secondHeadAlongside whether an encoder candidate's second head trains on another core at the same
     *     time as the candidate (for a process with a core to spare for each job)
     */
    public ConfigurationSearch(ClassifierTrainer trainer, CrossValidation crossValidation,
                               boolean secondHeadAlongside) {
        this(new Trainer() {
            @Override
            public TrainingInputs inputs(HyperParameters hp, EncodedTexts train, EncodedTexts validation,
                                         TrainingObserver observer, BooleanSupplier cancelled) {
                return trainer.inputs(hp, train, validation, observer, cancelled);
            }

            @Override
            public double encodingSeconds(HyperParameters hp, EncodedTexts train, EncodedTexts validation) {
                return trainer.encodingSeconds(hp, train, validation);
            }

            @Override
            public TrainingResult train(Vocabulary vocabulary, TrainingInputs inputs, List<String> labels,
                                        HyperParameters hp, WordVectorTable wordVectors, TrainingObserver observer,
                                        BooleanSupplier cancelled, long deadlineNanos) {
                return trainer.train(vocabulary, inputs, labels, hp, wordVectors, observer, cancelled, deadlineNanos);
            }
        }, crossValidation, ENCODER_HEADS, secondHeadAlongside, System::nanoTime);
    }

    /**
     * A search that keeps the kept candidate's single network, whatever it reads (a test of the comparison alone).
     *
     * @param clock {@link System#nanoTime()}, or a test's
     */
    ConfigurationSearch(Trainer trainer, CrossValidation crossValidation, LongSupplier clock) {
        this(trainer, crossValidation, 1, clock);
    }

    /**
     * @param encoderHeads the most networks ("heads") over its states a kept encoder candidate's version may
     *                     have, the first one included (1: never more than it was compared with)
     * @param clock {@link System#nanoTime()}, or a test's
     */
    ConfigurationSearch(Trainer trainer, CrossValidation crossValidation, int encoderHeads, LongSupplier clock) {
        this(trainer, crossValidation, encoderHeads, false, clock);
    }

    /**
     * @param encoderHeads the most networks ("heads") over its states a kept encoder candidate's version may
     *                     have, the first one included (1: never more than it was compared with)
     * @param secondHeadAlongside whether an encoder candidate's second head trains on another thread while the
     *                            candidate trains (for a candidate that could get more heads at all)
     * @param clock {@link System#nanoTime()}, or a test's
     */
    ConfigurationSearch(Trainer trainer, CrossValidation crossValidation, int encoderHeads,
                        boolean secondHeadAlongside, LongSupplier clock) {
        this.trainer = trainer;
        this.crossValidation = crossValidation;
        this.encoderHeads = encoderHeads;
        this.secondHeadAlongside = secondHeadAlongside;
        this.clock = clock;
    }

    /**
     * A search whose candidates all read the texts one way: {@code train} and {@code validation} are word ids, or
     * the pieces of the encoder the candidates name.
     *
     * @see #train(List, List, List, double, WordVectorTable, TrainingObserver, BooleanSupplier)
     */
    public Outcome train(Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation, List<String> labels,
                         List<Candidate> candidates, double timeBudgetSeconds, WordVectorTable wordVectors,
                         TrainingObserver observer, BooleanSupplier cancelled) {
        View view = new View(candidates.get(0).hyperParameters().encoder(), vocabulary, train, validation);
        return train(List.of(view), labels, candidates, timeBudgetSeconds, wordVectors, observer, cancelled);
    }

    /**
     * @param views the rows candidates train on and, with cross-validation, are compared on ({@code train}), and
     *     the rows every training stops early on and, without cross-validation, candidates are compared on
     *     ({@code validation}): one view for each encoder the candidates read (null: word ids), all of the same
     *     rows in the same order
     * @param timeBudgetSeconds for all trainings together, encoders' states included; a training stops after the
     *     epoch that would otherwise overrun its part
     * @param observer also hears the plan ({@link TrainingObserver#onSearch}) and each fold of a cross-validation
     *     ({@link TrainingObserver#onFold})
     * @throws IllegalArgumentException when a candidate's encoder has no view, or the views' rows differ
     */
    public Outcome train(List<View> views, List<String> labels, List<Candidate> candidates, double timeBudgetSeconds,
                         WordVectorTable wordVectors, TrainingObserver observer, BooleanSupplier cancelled) {
        long start = clock.getAsLong();
        long end = start + (long) (timeBudgetSeconds * 1e9);
        View first = views.get(0);
        for (View view : views) {
            if (view.leftOut() != null) {
                continue;
            }
            if (view.train().size() != first.train().size() || view.validation().size() != first.validation().size()
                    || !Arrays.equals(view.train().labels(), first.train().labels())
                    || !Arrays.equals(view.validation().labels(), first.validation().labels())) {
                throw new IllegalArgumentException("the views of one search hold the same rows in the same order");
            }
        }
        for (Candidate candidate : candidates) {
            if (views.stream().noneMatch(v -> Objects.equals(v.encoder(), candidate.hyperParameters().encoder()))) {
                throw new IllegalArgumentException("candidate " + candidate.name() + " reads encoder "
                        + candidate.hyperParameters().encoder() + ", of which the search has no view");
            }
        }
        return new Search(views, labels, candidates, wordVectors, observer, cancelled, start, end).run();
    }

    /** One call of {@link #train}: its data and settings, shared by its two ways of comparing. */
    private final class Search {
        private final List<View> views;
        // each view's inputs, made before the first candidate that reads them (by encoder; null: word ids)
        private final Map<String, TrainingInputs> inputs = new HashMap<>();
        private final Map<String, TrainingInputs[]> foldInputs = new HashMap<>();
        private final long start;
        // why a candidate was skipped (null for the others), and how long its encoder's states took it
        private final String[] skipped;
        private final double[] encodingSeconds;
        // an encoder candidate's second head, trained alongside it on another core (null for the others)
        private final TrainingResult[] alongside;
        // the estimated time of the states that candidate i would compute first (0 for the others), and what of
        // it is kept aside from the parts of the candidates before it
        private final double[] estimatedSeconds;
        private final long[] reservedNanos;
        // the rows compared, the same in every view
        private final EncodedTexts train;
        private final EncodedTexts validation;
        private final List<String> labels;
        private final List<Candidate> candidates;
        private final WordVectorTable wordVectors;
        private final TrainingObserver observer;
        private final BooleanSupplier cancelled;
        private final long end;
        private final int count;
        private final long seed;

        Search(List<View> views, List<String> labels, List<Candidate> candidates, WordVectorTable wordVectors,
               TrainingObserver observer, BooleanSupplier cancelled, long start, long end) {
            this.views = views;
            this.start = start;
            this.train = views.get(0).train();
            this.validation = views.get(0).validation();
            this.labels = labels;
            this.candidates = candidates;
            this.wordVectors = wordVectors;
            this.observer = observer;
            this.cancelled = cancelled;
            this.end = end;
            this.count = candidates.size();
            this.skipped = new String[count];
            this.encodingSeconds = new double[count];
            this.alongside = new TrainingResult[count];
            this.estimatedSeconds = new double[count];
            this.reservedNanos = new long[count];
            this.seed = candidates.get(0).hyperParameters().seed();
        }

        Outcome run() {
            int k = crossValidation.folds();
            boolean crossValidates = count > 1 && crossValidation.appliesTo(train.size()) && train.targets() == null;
            observer.onSearch(crossValidates ? count * (k + 1) : count);
            estimateEncodings();
            List<TrainingResult> results = new ArrayList<>();
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                long now = clock.getAsLong();
                if (i > 0 && now >= end) {
                    results.add(null);
                    skipped[i] = "skipped: the time budget was spent";
                    continue;
                }
                String encoder = candidates.get(i).hyperParameters().encoder();
                if (i > 0 && viewOf(i).leftOut() != null) {
                    results.add(null);
                    skipped[i] = "skipped: " + viewOf(i).leftOut();
                    continue;
                }
                if (!inputs.containsKey(encoder)) {
                    skipped[i] = i == 0 ? null : unaffordable(i, partOf(i, now));
                    if (skipped[i] != null) {
                        results.add(null);
                        continue;
                    }
                    observer.onCandidate(i, count, candidates.get(i).name());
                    if (prepare(i) == null) {
                        return cancelledOutcome(i);
                    }
                    // counted in this candidate's time; its part of the budget is what the states left
                    encodingSeconds[i] = (clock.getAsLong() - now) / 1e9;
                    now = clock.getAsLong();
                } else {
                    observer.onCandidate(i, count, candidates.get(i).name());
                }
                long deadline = count == 1 ? Long.MAX_VALUE : now + partOf(i, now);
                TrainingResult result = secondHeadAlongside && count > 1
                        && takesMoreHeads(candidates.get(i).hyperParameters())
                        ? fitWithSecondHead(i, inputs.get(encoder), deadline)
                        : fit(i, inputs.get(encoder), deadline);
                if (result.cancelled()) {
                    return new Outcome(result, List.of());
                }
                // at least a nanosecond: the folds' parts of the budget are in proportion to it
                nanos[i] = Math.max(1, clock.getAsLong() - now);
                results.add(result);
            }
            if (count == 1) {
                return validated(results, null);
            }
            if (!crossValidates) {
                return withHeads(validated(results, whyNotCrossValidated()), nanos);
            }
            if (results.contains(null)) {
                return withHeads(validated(results, k + "-fold cross-validation was not run: not every candidate"
                        + " trained (their notes say why)"), nanos);
            }
            // k folds, each on (k - 1) / k of the rows but validating on the whole split every epoch and then
            // predicting its fold: about k times the candidate's training on all rows (3.8 and 5.3 times measured)
            double needed = k * (double) Arrays.stream(nanos).sum();
            long left = end - clock.getAsLong();
            if (needed > left) {
                return withHeads(validated(results, String.format(Locale.ROOT, "%d-fold cross-validation was not"
                        + " run: at the pace of the candidates' trainings it needs about %.0f s more, and %.0f s of"
                        + " the time budget were left", k, needed / 1e9, Math.max(0, left) / 1e9)), nanos);
            }
            return withHeads(crossValidated(results, nanos), nanos);
        }

        /**
         * The outcome of the comparison, with more heads of the kept candidate when it reads an encoder's states
         * and the budget left fits them: up to {@link #encoderHeads} networks of its settings in all, from the next
         * seeds, on the same states and rows (the first is the one compared), each started only while what is left
         * is at least {@value #HEAD_MARGIN} times the kept candidate's own training, and stopped, like every
         * training, after the epoch that would overrun the budget. The version is then their ensemble (probabilities
         * averaged; {@code ensembleSize} in its settings, each head's validation figures as its members'), and the
         * kept candidate's report says what was done, or why not.
         *
         * @param nanos each candidate's training on all rows took (its states not included)
         */
        private Outcome withHeads(Outcome compared, long[] nanos) {
            if (compared.candidates().isEmpty() || compared.result().cancelled()) {
                return compared;
            }
            int chosen = 0;
            while (!compared.candidates().get(chosen).chosen()) {
                chosen++;
            }
            HyperParameters hp = candidates.get(chosen).hyperParameters();
            if (!takesMoreHeads(hp)) {
                return compared;
            }
            TrainingResult first = compared.result();
            TrainingInputs rows = inputs.get(hp.encoder());
            String name = candidates.get(chosen).name();
            long headNanos = nanos[chosen];
            long started = clock.getAsLong();
            List<TrainingResult> heads = new ArrayList<>(List.of(first));
            if (alongside[chosen] != null) {
                heads.add(alongside[chosen]);
            }
            while (heads.size() < encoderHeads && clock.getAsLong() + HEAD_MARGIN * headNanos <= end) {
                // shown as the last candidate's work, so that the job's progress does not go back
                observer.onCandidate(count - 1, count, String.format(Locale.ROOT, "%s (head %d of %d)", name,
                        heads.size() + 1, encoderHeads));
                TrainingResult head = trainer.train(viewOf(chosen).vocabulary(), rows, labels,
                        hp.forMember(heads.size()), wordVectors, observer, cancelled, end);
                if (head.cancelled()) {
                    return new Outcome(head, List.of());
                }
                heads.add(head);
            }
            double headsSeconds = (clock.getAsLong() - started) / 1e9;
            double left = Math.max(0, end - started) / 1e9;
            CandidateReport report = compared.candidates().get(chosen);
            double seconds = (report.trainingSeconds() == null ? 0 : report.trainingSeconds()) + headsSeconds;
            if (heads.size() == 1) {
                return asVersion(compared, chosen, first, seconds, String.format(Locale.ROOT, "one head: another"
                        + " (about %.0f s, as long as this one's training, with a margin of %.2f) did not fit the %.0f s"
                        + " of the time budget left", headNanos / 1e9, HEAD_MARGIN, left));
            }
            String trainedAlongside = alongside[chosen] != null
                    ? "; the second trained alongside the first, on another core" : "";
            TrainingResult averaged = trainer.ensemble(heads, rows, labels,
                    first.hyperParameters().withEnsembleSize(heads.size()), first.trainingSeconds() + headsSeconds);
            if (replaces(validation.labels(), validationPredictions(averaged, rows), validationPredictions(first, rows),
                    labels.size(), seed)) {
                // averaging seeds is expected to help, so the first head alone is kept only on evidence that it is
                // better, by the rule that compares candidates: on TREC a lower validation macro-F1 alone (0.845
                // against 0.854, three heads) dropped an average that scored 1.7 points above the first head on
                // held-out questions (docs/experiments.md, runs 111, 129 and 130)
                return asVersion(compared, chosen, first, seconds, String.format(Locale.ROOT, "one head: %d heads over"
                        + " the same states (seeds %d to %d, trained in %.0f s of the %.0f s left) scored validation"
                        + " macro-F1 %.4f (accuracy %.4f), under its first head alone %.4f (%.4f) by more than the"
                        + " search's margin, so the version is the first head", heads.size(), hp.seed(),
                        hp.seed() + heads.size() - 1, headsSeconds, left, averaged.evaluation().macroF1(),
                        averaged.evaluation().accuracy(), first.evaluation().macroF1(), first.evaluation().accuracy())
                        + trainedAlongside);
            }
            return asVersion(compared, chosen, averaged, seconds, String.format(Locale.ROOT, "%d heads over the same"
                    + " states, seeds %d to %d, their probabilities averaged: trained in %.0f s of the %.0f s of the"
                    + " time budget left after it was kept; validation macro-F1 %.4f (accuracy %.4f), its first head"
                    + " alone %.4f (%.4f)", heads.size(), hp.seed(), hp.seed() + heads.size() - 1, headsSeconds, left,
                    averaged.evaluation().macroF1(), averaged.evaluation().accuracy(), first.evaluation().macroF1(),
                    first.evaluation().accuracy())
                    + trainedAlongside
                    + (heads.size() < encoderHeads ? "; no more: another did not fit what was left" : ""));
        }

        /**
         * Whether a kept candidate of these settings gets more heads ({@link #withHeads}): it reads an encoder's
         * states and has fewer networks than {@link #encoderHeads}. Only such a candidate trains a second head
         * alongside itself, so that no head is trained that could not be kept.
         */
        private boolean takesMoreHeads(HyperParameters hp) {
            return hp.usesEncoder() && hp.members() < encoderHeads;
        }

        /** The comparison's outcome with {@code result} as the version, and the kept candidate's report saying so. */
        private static Outcome asVersion(Outcome compared, int chosen, TrainingResult result, double seconds,
                                         String what) {
            List<CandidateReport> reports = new ArrayList<>(compared.candidates());
            reports.set(chosen, compared.candidates().get(chosen).asVersion(result.hyperParameters(), seconds, what));
            return new Outcome(result, List.copyOf(reports));
        }

        /**
         * Estimates the states of each encoder that a later candidate reads first, and keeps them aside, in the
         * candidates' order, while all kept aside take at most half the budget (more would leave the candidates
         * before them too little, and a larger one is likely to be skipped at its turn anyway).
         */
        private void estimateEncodings() {
            // the first candidate computes its own states whatever they cost
            Map<String, Double> estimates = new HashMap<>();
            estimates.put(candidates.get(0).hyperParameters().encoder(), 0.0);
            long kept = 0;
            for (int i = 1; i < count; i++) {
                HyperParameters hp = candidates.get(i).hyperParameters();
                if (!hp.usesEncoder() || viewOf(i).leftOut() != null) {
                    continue;
                }
                boolean first = !estimates.containsKey(hp.encoder());
                View view = viewOf(i);
                estimatedSeconds[i] = estimates.computeIfAbsent(hp.encoder(),
                        e -> trainer.encodingSeconds(hp, view.train(), view.validation()));
                long nanos = (long) (estimatedSeconds[i] * 1e9);
                reservedNanos[i] = first && kept + nanos <= (end - start) / 2 ? nanos : 0;
                kept += reservedNanos[i];
            }
        }

        /**
         * Candidate {@code i}'s part of what is left at {@code now}, less what is kept aside for later encoders'
         * states: in proportion to its {@link #shares}, against those of the candidates from it on.
         */
        private long partOf(int i, long now) {
            double from = 0;
            for (int j = i; j < count; j++) {
                from += shares(j);
            }
            return (long) ((end - now - reservedAfter(i)) * (shares(i) / from));
        }

        /**
         * How many parts of the budget candidate {@code i} gets: {@value #ENCODER_SHARES} for one that reads an
         * encoder's states, one for the others. An epoch over 384 values a piece costs several word-vector epochs,
         * and equal parts left the encoder candidates 2 to 4 epochs on SST-5 (docs/experiments.md, run 97), where
         * e5-small's model needs about 5 to pass the word-vector ones.
         */
        private double shares(int i) {
            return candidates.get(i).hyperParameters().usesEncoder() ? ENCODER_SHARES : 1;
        }

        /** What is kept aside for the states of candidates after {@code i}, none of which have been computed yet. */
        private long reservedAfter(int i) {
            long reserved = 0;
            for (int j = i + 1; j < count; j++) {
                reserved += reservedNanos[j];
            }
            return reserved;
        }

        /** The view candidate {@code i} reads. */
        private View viewOf(int i) {
            String encoder = candidates.get(i).hyperParameters().encoder();
            return views.stream().filter(v -> Objects.equals(v.encoder(), encoder)).findFirst().orElseThrow();
        }

        /** Candidate {@code i}'s view's inputs, computed now; null when cancelled meanwhile. */
        private TrainingInputs prepare(int i) {
            View view = viewOf(i);
            TrainingInputs made = trainer.inputs(candidates.get(i).hyperParameters(), view.train(), view.validation(),
                    observer, cancelled);
            if (made != null) {
                inputs.put(view.encoder(), made);
            }
            return made;
        }

        /**
         * Why candidate {@code i} is skipped before its encoder's states are computed: they would take more than
         * its part of the budget; null when they fit (or it reads word ids).
         */
        private String unaffordable(int i, long partNanos) {
            HyperParameters hp = candidates.get(i).hyperParameters();
            if (!hp.usesEncoder()) {
                return null;
            }
            View view = viewOf(i);
            double estimate = estimatedSeconds[i];
            double part = Math.max(0, partNanos) / 1e9;
            if (estimate <= part) {
                return null;
            }
            return String.format(Locale.ROOT, "skipped: the %s encoder's states of the %d texts would take about"
                    + " %.0f s (at its pace on a sample of them), more than the %.0f s of the time budget left to"
                    + " this candidate", hp.encoder(), view.train().size() + view.validation().size(), estimate,
                    part);
        }

        private Outcome cancelledOutcome(int i) {
            return new Outcome(ClassifierTrainer.cancelled(candidates.get(i).hyperParameters(),
                    viewOf(i).vocabulary(), null, start), List.of());
        }

        /** Why a search of several candidates compares them on the validation split, or null when it is not said. */
        private String whyNotCrossValidated() {
            if (crossValidation.maxRows() == 0 || train.size() < crossValidation.folds()) {
                return null;
            }
            if (train.multiLabel()) {
                return "multi-label candidates are compared on the validation split";
            }
            if (train.targets() != null) {
                return "a teacher's soft targets over augmented copies are not cross-validated (a text's copies"
                        + " would be in the folds that predict it)";
            }
            return String.format(Locale.ROOT, "%d training rows are more than the %d up to which candidates are"
                    + " cross-validated", train.size(), crossValidation.maxRows());
        }

        private TrainingResult fit(int candidate, TrainingInputs rows, long deadline) {
            return trainer.train(viewOf(candidate).vocabulary(), rows, labels,
                    candidates.get(candidate).hyperParameters(), wordVectors, observer, cancelled, deadline);
        }

        /**
         * {@link #fit}, with the candidate's second head (the next seed) training on another thread until the same
         * deadline, kept in {@link #alongside} for {@link #withHeads}. The head reports no progress (the job's is the
         * candidate's), stops when the candidate fails or is cancelled, and is dropped if it fails itself: it is
         * an extra, and the job must not fail for it.
         */
        private TrainingResult fitWithSecondHead(int candidate, TrainingInputs rows, long deadline) {
            AtomicBoolean stop = new AtomicBoolean();
            HyperParameters second = candidates.get(candidate).hyperParameters().forMember(1);
            ExecutorService core = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "second-head-" + candidates.get(candidate).name());
                thread.setDaemon(true);
                return thread;
            });
            try {
                Future<TrainingResult> head = core.submit(() -> trainer.train(viewOf(candidate).vocabulary(), rows,
                        labels, second, wordVectors, TrainingObserver.NONE,
                        () -> stop.get() || cancelled.getAsBoolean(), deadline));
                TrainingResult result;
                try {
                    result = fit(candidate, rows, deadline);
                } catch (RuntimeException | Error e) {
                    stop.set(true);
                    throw e;
                }
                stop.set(result.cancelled());
                try {
                    TrainingResult trained = head.get();
                    alongside[candidate] = trained.cancelled() ? null : trained;
                } catch (ExecutionException e) {
                    log.warn("The second head of {} failed; its version will do without it",
                            candidates.get(candidate).name(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set(true);
                }
                return result;
            } finally {
                core.shutdown();
            }
        }

        /**
         * The candidates compared on the validation split.
         *
         * @param results each candidate trained on all training rows (null when skipped)
         * @param whyNotCrossValidated added to the report's {@code comparison}, or null
         */
        private Outcome validated(List<TrainingResult> results, String whyNotCrossValidated) {
            if (validation.multiLabel()) {
                return validatedMultiLabel(results, whyNotCrossValidated);
            }
            List<int[]> predictions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TrainingInputs read = inputs.get(candidates.get(i).hyperParameters().encoder());
                predictions.add(results.get(i) == null ? null : validationPredictions(results.get(i), read));
            }
            int chosen = choose(predictions, validation.labels(), labels.size(), seed);
            String comparison = String.format(Locale.ROOT, "the validation split (%d rows)", validation.size())
                    + (whyNotCrossValidated == null ? "" : "; " + whyNotCrossValidated);
            List<CandidateReport> reports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TrainingResult r = results.get(i);
                String note = r == null ? skipped[i] : i == chosen ? null
                        : note(validation.labels(), predictions.get(chosen), predictions.get(i), labels.size(), seed,
                        "validation");
                reports.add(report(i, r, r == null ? null : r.trainingSeconds(), i == chosen, note, comparison, null,
                        validation.size(), null));
            }
            return new Outcome(results.get(chosen), List.copyOf(reports));
        }

        /** A trained model's label of every validation text, from the inputs it was trained on. */
        private int[] validationPredictions(TrainingResult result, TrainingInputs read) {
            // rows that are windows of long texts are compared as their texts (validation holds the texts)
            return read.validationWindows() != null
                    ? result.classifier().predictedLabels(read.validationFeatures(), read.validationWindows())
                    : trainer.predict(result, read.validation(), read.validationFeatures());
        }

        /**
         * Multi-label candidates compared on the validation split's micro-F1 (each at its own tuned thresholds):
         * a later candidate replaces the one kept so far only if its micro-F1 is higher by more than
         * {@value #PREFERENCE_IN_STANDARD_ERRORS} standard errors of the difference, taken as unpaired (the root of
         * the two figures' squared standard errors), which asks more than a paired comparison would.
         */
        private Outcome validatedMultiLabel(List<TrainingResult> results, String whyNotCrossValidated) {
            int chosen = 0;
            while (results.get(chosen) == null) {
                chosen++;
            }
            String[] notes = new String[count];
            for (int i = chosen + 1; i < count; i++) {
                if (results.get(i) == null) {
                    continue;
                }
                EvaluationReport.MultiLabelFigures kept = results.get(chosen).evaluation().multiLabel();
                EvaluationReport.MultiLabelFigures other = results.get(i).evaluation().multiLabel();
                double gain = other.microF1() - kept.microF1();
                double se = Math.sqrt(Math.pow(kept.microF1StandardError(), 2) + Math.pow(other.microF1StandardError(), 2));
                if (se > 0 && gain / se > PREFERENCE_IN_STANDARD_ERRORS) {
                    notes[chosen] = "lower validation micro-F1";
                    chosen = i;
                } else {
                    notes[i] = Math.abs(gain) < TIE ? "the same validation micro-F1 as the kept candidate"
                            : gain < 0 ? "lower validation micro-F1"
                            : String.format(Locale.ROOT, "better by %.3f micro-F1, %.1f standard errors (not more "
                            + "than %.1f): the one kept before it stays", gain, se == 0 ? 0 : gain / se,
                            PREFERENCE_IN_STANDARD_ERRORS);
                }
            }
            String comparison = String.format(Locale.ROOT, "the validation split (%d rows), on micro-F1",
                    validation.size()) + (whyNotCrossValidated == null ? "" : "; " + whyNotCrossValidated);
            List<CandidateReport> reports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TrainingResult r = results.get(i);
                String note = r == null ? skipped[i] : i == chosen ? null : notes[i];
                reports.add(report(i, r, r == null ? null : r.trainingSeconds(), i == chosen, note, comparison, null,
                        validation.size(), null));
            }
            return new Outcome(results.get(chosen), List.copyOf(reports));
        }

        /**
         * The candidates compared by their out-of-fold predictions of every training row; the kept one's training
         * on all rows is the result. Falls back to the validation split when the budget ran out before the first
         * candidate's folds were done.
         *
         * @param nanos each candidate's training on all rows took
         */
        private Outcome crossValidated(List<TrainingResult> results, long[] nanos) {
            int k = crossValidation.folds();
            StratifiedFolds folds = StratifiedFolds.of(train.labels(), labels.size(), k, seed);
            int[][] heldOut = new int[k][];
            for (int f = 0; f < k; f++) {
                heldOut[f] = folds.heldOut(f);
            }
            // the folds still to train, each weighted by its candidate's time on all rows
            double work = k * (double) Arrays.stream(nanos).sum();
            List<int[]> outOfFold = new ArrayList<>();
            double[] foldSeconds = new double[count];
            String[] unfinished = new String[count];
            for (int i = 0; i < count; i++) {
                // the rows of every view are the same, so the folds of an encoder's candidates read its states
                TrainingInputs all = inputs.get(candidates.get(i).hyperParameters().encoder());
                TrainingInputs[] trainedOn = foldInputs.computeIfAbsent(candidates.get(i).hyperParameters().encoder(),
                        e -> IntStream.range(0, k).mapToObj(f -> folds.trainedOn(f, all))
                                .toArray(TrainingInputs[]::new));
                int[] predicted = new int[train.size()];
                long candidateStart = clock.getAsLong();
                int f = 0;
                for (; f < k; f++) {
                    long now = clock.getAsLong();
                    if (now >= end) {
                        break;
                    }
                    if (f == 0) {
                        observer.onCandidate(i, count, candidates.get(i).name());
                    }
                    observer.onFold(f + 1, k);
                    TrainingResult result = fit(i, trainedOn[f], now + (long) ((end - now) * (nanos[i] / work)));
                    if (result.cancelled()) {
                        return new Outcome(result, List.of());
                    }
                    work -= nanos[i];
                    int[] fold = all.trainWindows() != null
                            ? StratifiedFolds.predictHeldOut(result.classifier(), all, heldOut[f])
                            : trainer.predict(result, StratifiedFolds.select(all.train(), heldOut[f]),
                            new SelectedRows(all.trainFeatures(), heldOut[f]));
                    for (int j = 0; j < fold.length; j++) {
                        predicted[heldOut[f][j]] = fold[j];
                    }
                }
                foldSeconds[i] = (clock.getAsLong() - candidateStart) / 1e9;
                if (f < k) {
                    work -= (k - f) * (double) nanos[i];
                    unfinished[i] = String.format(Locale.ROOT, "not compared: the time budget ran out %s",
                            f == 0 ? "before its folds" : "after fold " + f + " of " + k);
                }
                outOfFold.add(f < k ? null : predicted);
            }
            if (outOfFold.get(0) == null) {
                return validated(results, String.format(Locale.ROOT, "%d-fold cross-validation ran out of the time"
                        + " budget before the first candidate's folds were done", k));
            }
            int chosen = choose(outOfFold, train.labels(), labels.size(), seed);
            String comparison = String.format(Locale.ROOT, "%d-fold cross-validation over the %d training rows",
                    k, train.size());
            List<CandidateReport> reports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String note = i == chosen ? null : unfinished[i] != null ? unfinished[i]
                        : note(train.labels(), outOfFold.get(chosen), outOfFold.get(i), labels.size(), seed,
                        "out-of-fold");
                reports.add(report(i, results.get(i), results.get(i).trainingSeconds() + foldSeconds[i],
                        i == chosen, note, comparison, k, train.size(), outOfFold.get(i) == null ? null
                        : Evaluations.report(labels, train.labels(), outOfFold.get(i))));
            }
            return new Outcome(results.get(chosen), List.copyOf(reports));
        }

        /** @param full the candidate trained on all training rows, or null when it was skipped */
        private CandidateReport report(int i, TrainingResult full, Double seconds, boolean chosen, String note,
                                       String comparison, Integer folds, int comparedRows,
                                       EvaluationReport outOfFold) {
            EvaluationReport validated = full == null ? null : full.evaluation();
            return new CandidateReport(candidates.get(i).name(),
                    full != null ? full.hyperParameters() : candidates.get(i).hyperParameters(),
                    validated == null ? null : validated.accuracy(), validated == null ? null : validated.macroF1(),
                    validated == null ? null : validated.macroF1StandardError(),
                    full == null ? null : full.history().size(),
                    seconds == null ? null : Math.round((seconds + encodingSeconds[i]) * 10) / 10.0, chosen, note,
                    comparison, folds, comparedRows, outOfFold == null ? null : outOfFold.accuracy(),
                    outOfFold == null ? null : outOfFold.macroF1(),
                    outOfFold == null ? null : outOfFold.macroF1StandardError());
        }
    }

    /**
     * The index of the kept candidate: the first one compared, replaced by a later one that {@link #replaces} it.
     *
     * @param predictions each candidate's predictions of the compared rows (null for a skipped candidate; at
     *     least one is not)
     */
    static int choose(List<int[]> predictions, int[] actual, int classes, long seed) {
        int kept = 0;
        while (predictions.get(kept) == null) {
            kept++;
        }
        for (int i = kept + 1; i < predictions.size(); i++) {
            if (predictions.get(i) != null && replaces(actual, predictions.get(kept), predictions.get(i), classes, seed)) {
                kept = i;
            }
        }
        return kept;
    }

    /**
     * Whether a later candidate's predictions {@code later} replace the kept one's: its macro-F1 is higher by more
     * than {@value #PREFERENCE_IN_STANDARD_ERRORS} standard errors of the paired difference, or it is higher and
     * its accuracy is higher by more than that many standard errors of the paired accuracy difference. Macro-F1
     * alone left the choice to chance on skewed label sets: on TREC's 491 validation questions, where one label
     * has a handful of rows and each of them moves its F1 by several points, an encoder candidate 3.7 points
     * better came to 1.2 standard errors in one run and to over 1.5 in another, by the epoch it happened to stop at
     * (docs/experiments.md, runs 103 and 113); the accuracy
     * comparison counts every row alike, and the higher macro-F1 it asks for keeps a candidate from winning by
     * giving up a small label.
     */
    static boolean replaces(int[] actual, int[] kept, int[] later, int classes, long seed) {
        PairedComparison.Difference macroF1 = PairedComparison.of(actual, kept, later, classes, seed);
        if (macroF1.inStandardErrors() > PREFERENCE_IN_STANDARD_ERRORS) {
            return true;
        }
        return macroF1.difference() >= TIE
                && PairedComparison.accuracy(actual, kept, later).inStandardErrors() > PREFERENCE_IN_STANDARD_ERRORS;
    }

    /**
     * Why a candidate was not kept, from its predictions against the kept one's. A tie is a tie: equal figures
     * computed from different confusion matrices can differ in the last bits, so anything below what four
     * decimals show counts as equal.
     *
     * @param figure which predictions were compared: {@code validation} or {@code out-of-fold}
     */
    static String note(int[] actual, int[] kept, int[] other, int classes, long seed, String figure) {
        return note(PairedComparison.of(actual, kept, other, classes, seed), PairedComparison.accuracy(actual, kept, other),
                figure);
    }

    static String note(PairedComparison.Difference macroF1, PairedComparison.Difference accuracy, String figure) {
        if (Math.abs(macroF1.difference()) < TIE) {
            return "the same " + figure + " macro-F1 as the kept candidate";
        }
        if (macroF1.difference() < 0) {
            return "lower " + figure + " macro-F1";
        }
        return String.format(Locale.ROOT, "better by %.3f macro-F1 and %.3f accuracy, %.1f and %.1f standard errors"
                + " of the paired differences (neither more than %.1f): the one kept before it stays",
                macroF1.difference(), accuracy.difference(), macroF1.inStandardErrors(), accuracy.inStandardErrors(),
                PREFERENCE_IN_STANDARD_ERRORS);
    }
}
