package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReport;
import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.TrainingResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mutable state of one job while a worker of this process runs it, owned by {@link TrainingWorker}. The
 * training thread writes progress, the heartbeat and request threads read {@link #view()}; every access is
 * synchronised on the job.
 */
final class TrainingJob implements TrainingObserver {

    private final String id;
    private final TrainingConfig.ResolvedTrainingConfig config;
    private final Instant createdAt;
    private final String worker;
    private final int attempts;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicBoolean leaseLost = new AtomicBoolean();
    private final AtomicBoolean handedBack = new AtomicBoolean();
    private DatasetReport report;
    private TrainingJobState state;
    private final Instant startedAt;
    private Instant finishedAt;
    private TrainingJobView.Progress progress = TrainingJobView.Progress.NONE;
    private TrainingJobView.Metrics metrics = TrainingJobView.Metrics.NONE;
    private final List<EpochMetrics> history = new ArrayList<>();
    private String error;
    private String modelId;
    private Promotion promotion;
    private List<ConfigurationSearch.CandidateReport> candidates;
    private int candidateIndex;
    private int candidateCount = 1;
    private String candidateName;
    private int candidateMaxEpochs;
    private int plannedTrainings;
    private int fold;
    private int foldCount;
    private long batchesSeen;
    private final long startNanos;
    // when training proper started: after a teacher's labelling, which the training speed and ETA leave out
    private long trainingStartNanos;
    private long labellingStartNanos;
    private Distillation distillation;
    private double tokensPerExample;

    /** A job just claimed: RUNNING, with the progress of an earlier attempt cleared. */
    TrainingJob(TrainingJobQueue.JobLease lease) {
        TrainingJobView v = lease.view();
        this.id = lease.jobId();
        this.config = lease.config();
        this.createdAt = v.createdAt();
        this.report = v.dataset();
        this.state = TrainingJobState.RUNNING;
        this.worker = lease.worker();
        this.attempts = lease.attempt();
        this.startedAt = v.startedAt() != null ? v.startedAt() : Instant.now();
        this.startNanos = System.nanoTime();
        this.trainingStartNanos = startNanos;
        this.distillation = config.distillation();
        this.candidateMaxEpochs = config.hyperParameters().maxEpochs();
    }

    String id() {
        return id;
    }

    TrainingConfig.ResolvedTrainingConfig config() {
        return config;
    }

    Instant createdAt() {
        return createdAt;
    }

    synchronized TrainingJobState state() {
        return state;
    }

    /** Training stops within one minibatch once this is true: cancelled, lease lost, or handed back. */
    boolean shouldStop() {
        return cancelRequested.get() || leaseLost.get() || handedBack.get();
    }

    void requestCancel() {
        cancelRequested.set(true);
    }

    /** Another worker took the job over (or it was failed): this worker must write nothing more. */
    void loseLease() {
        leaseLost.set(true);
    }

    boolean leaseLost() {
        return leaseLost.get();
    }

    /** This process stops: training ends and the job goes back to the queue. */
    void handBack() {
        handedBack.set(true);
    }

    boolean handedBack() {
        return handedBack.get();
    }

    /** The report of the data as the worker prepared it (the same as the API's, read again). */
    synchronized void recordDataset(DatasetReport prepared) {
        this.report = prepared;
    }

    /**
     * Replaces the running estimate (time since the job started, vectors loading included) with the trainer's
     * own figures: training time only, validation excluded.
     */
    synchronized void recordTrainingSpeed(double examplesPerSecond, double tokensPerSecond) {
        progress = new TrainingJobView.Progress(progress.epoch(), progress.totalEpochs(), progress.batch(),
                progress.totalBatches(), progress.percent(), progress.etaSeconds(),
                Math.round(examplesPerSecond * 10) / 10.0, (double) Math.round(tokensPerSecond),
                progress.candidate(), progress.totalCandidates(), progress.candidateName(), progress.textsEncoded(),
                progress.textsToEncode(), progress.labelling(), progress.fold(), progress.totalFolds());
    }

    /**
     * Records the configurations the job tried and the one it kept, whose epochs become the job's history and
     * whose figures its metrics: the last epoch trained was perhaps another candidate's, or not the kept epoch,
     * and the job must show what the stored version scores. Call before {@link #finish}.
     */
    synchronized void recordCandidates(List<ConfigurationSearch.CandidateReport> tried, TrainingResult kept) {
        this.candidates = tried.size() < 2 ? null : List.copyOf(tried);
        history.clear();
        history.addAll(kept.history());
        EpochMetrics best = kept.history().stream().filter(e -> e.epoch() == kept.bestEpoch()).findFirst().orElse(null);
        metrics = new TrainingJobView.Metrics(best != null ? best.trainLoss() : metrics.trainLoss(),
                kept.evaluation().accuracy(), kept.evaluation().macroF1(), kept.evaluation().accuracyStandardError(),
                kept.evaluation().macroF1StandardError(), best != null ? best.learningRate() : metrics.learningRate());
    }

    /** A search starts: how many trainings it plans (its candidates', then their folds' when it cross-validates). */
    @Override
    public synchronized void onSearch(int trainings) {
        plannedTrainings = trainings;
    }

    /** A search moves on to its next candidate: the epochs shown from now on are that candidate's. */
    @Override
    public synchronized void onCandidate(int index, int count, String name) {
        fold = 0;
        candidateIndex = index;
        candidateCount = Math.max(1, count);
        candidateName = name;
        List<ConfigurationSearch.Candidate> planned = config.candidates();
        candidateMaxEpochs = (index < planned.size() ? planned.get(index).hyperParameters() : config.hyperParameters())
                .maxEpochs();
        history.clear();
    }

    /** Records how many augmented texts the teacher labelled, and how long it took. */
    synchronized void recordDistillation(Distillation outcome) {
        this.distillation = outcome;
    }

    /** A search that cross-validates moves on to a fold of the current candidate: its epochs are shown now. */
    @Override
    public synchronized void onFold(int fold, int folds) {
        this.fold = fold;
        this.foldCount = Math.max(1, folds);
        history.clear();
    }

    /** Records what {@code "activate": "if-better"} decided; call before {@link #finish}. */
    synchronized void recordPromotion(Promotion decision) {
        this.promotion = decision;
    }

    synchronized void finish(TrainingJobState finalState, String errorMessage, String newModelId) {
        state = finalState;
        error = errorMessage;
        modelId = newModelId;
        finishedAt = Instant.now();
        if (finalState == TrainingJobState.SUCCEEDED) {
            progress = new TrainingJobView.Progress(progress.epoch(), progress.totalEpochs(), progress.batch(),
                    progress.totalBatches(), 100.0, 0L, progress.examplesPerSecond(), progress.tokensPerSecond(),
                    progress.candidate(), progress.totalCandidates(), progress.candidateName(), progress.textsEncoded(),
                    progress.textsToEncode(), progress.labelling(), progress.fold(), progress.totalFolds());
        }
    }

    /** The encoder's states of {@code done} of {@code total} texts are computed, before the first epoch. */
    @Override
    public synchronized void onEncoding(int done, int total) {
        progress = new TrainingJobView.Progress(progress.epoch(), progress.totalEpochs(), progress.batch(),
                progress.totalBatches(), progress.percent(), progress.etaSeconds(), progress.examplesPerSecond(),
                progress.tokensPerSecond(), progress.candidate(), progress.totalCandidates(), progress.candidateName(),
                done, total, progress.labelling(), progress.fold(), progress.totalFolds());
    }

    @Override
    public synchronized void onStart(int examples, long tokens) {
        tokensPerExample = examples == 0 ? 0 : (double) tokens / examples;
    }

    @Override
    public synchronized void onBatch(int epoch, int batch, int totalBatches, double loss) {
        // the epochs of this candidate, a fine-tuning phase included (its epochs continue the first phase's
        // numbering): counting only the first phase's showed "epoch 7 of 5"
        int totalEpochs = Math.max(1, candidateMaxEpochs);
        batchesSeen++;
        // over all trainings of a search, each counted as its most epochs: a training that stops early jumps to
        // its end when the next one starts, so that the figure never goes back
        double withinCandidate = Math.min(1.0, ((epoch - 1) * (double) totalBatches + batch) / ((double) totalEpochs * totalBatches));
        // the candidates' trainings on all rows, then (cross-validating) their folds, candidate by candidate
        int before = fold == 0 ? candidateIndex : candidateCount + candidateIndex * foldCount + fold - 1;
        double fraction = Math.min(1.0, (before + withinCandidate) / Math.max(candidateCount, plannedTrainings));
        double elapsed = (System.nanoTime() - trainingStartNanos) / 1e9;
        Long eta = fraction > 0 ? Math.round(elapsed / fraction * (1 - fraction)) : null;
        double examplesPerSecond = elapsed > 0 ? batchesSeen * (double) config.hyperParameters().batchSize() / elapsed : 0;
        boolean search = candidateCount > 1;
        progress = new TrainingJobView.Progress(epoch, totalEpochs, batch, totalBatches,
                Math.round(1000.0 * fraction) / 10.0, eta, Math.round(examplesPerSecond * 10) / 10.0,
                (double) Math.round(examplesPerSecond * tokensPerExample), search ? candidateIndex + 1 : null,
                search ? candidateCount : null, search ? candidateName : null, progress.textsEncoded(),
                progress.textsToEncode(), progress.labelling(), fold > 0 ? fold : null, fold > 0 ? foldCount : null);
        metrics = new TrainingJobView.Metrics(loss, metrics.validationAccuracy(), metrics.validationMacroF1(),
                metrics.validationAccuracyStandardError(), metrics.validationMacroF1StandardError(), metrics.learningRate());
    }

    @Override
    public synchronized void onLabelling(int labelled, int total) {
        long now = System.nanoTime();
        if (labelled == 0) {
            labellingStartNanos = now;
        }
        double seconds = (now - labellingStartNanos) / 1e9;
        double rate = seconds > 0 ? labelled / seconds : 0;
        Long eta = rate > 0 ? Math.round((total - labelled) / rate) : null;
        progress = new TrainingJobView.Progress(0, 0, 0, 0, 0, null, null, null, null, null, null,
                null, null, new TrainingJobView.Labelling(labelled, total, Math.round(rate * 10) / 10.0, eta), null,
                null);
        trainingStartNanos = now;
    }

    @Override
    public synchronized void onEpoch(EpochMetrics epoch) {
        history.add(epoch);
        metrics = new TrainingJobView.Metrics(metrics.trainLoss(), epoch.validationAccuracy(), epoch.validationMacroF1(),
                epoch.validationAccuracyStandardError(), epoch.validationMacroF1StandardError(), epoch.learningRate());
    }

    synchronized TrainingJobView view() {
        // after a search, the settings of the candidate that was kept
        HyperParameters settings = candidates == null ? config.hyperParameters() : candidates.stream()
                .filter(ConfigurationSearch.CandidateReport::chosen).map(ConfigurationSearch.CandidateReport::hyperParameters)
                .findFirst().orElse(config.hyperParameters());
        return new TrainingJobView(id, config.name(), state, createdAt, startedAt, finishedAt, worker, attempts, progress,
                metrics, List.copyOf(history), report, settings, config.activate(), error, modelId,
                promotion, candidates, distillation);
    }
}
