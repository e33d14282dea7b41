package com.example.sentiment.training;

import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.TrainingObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mutable state of one job, owned by {@link TrainingJobService}. The training thread writes progress,
 * request threads read {@link #view()}; every access is synchronised on the job.
 */
final class TrainingJob implements TrainingObserver {

    private final String id;
    private final TrainingConfig.ResolvedTrainingConfig config;
    private final Instant createdAt;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private PreparedDataset data;
    private DatasetReport report;
    private TrainingJobState state;
    private Instant startedAt;
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
    private long batchesSeen;
    private long startNanos;
    private double tokensPerExample;
    private Future<?> future;

    TrainingJob(String id, TrainingConfig.ResolvedTrainingConfig config, PreparedDataset data) {
        this.id = id;
        this.config = config;
        this.data = data;
        this.report = data.report();
        this.createdAt = Instant.now();
        this.state = TrainingJobState.QUEUED;
    }

    /** A job read back from disk after a restart; it can no longer run. */
    private TrainingJob(TrainingJobView v) {
        this.id = v.id();
        this.config = new TrainingConfig.ResolvedTrainingConfig(v.name(), v.hyperParameters(), 0, null, null, v.activate(),
                false);
        this.createdAt = v.createdAt();
        this.report = v.dataset();
        this.state = v.state();
        this.startedAt = v.startedAt();
        this.finishedAt = v.finishedAt();
        this.progress = v.progress() == null ? TrainingJobView.Progress.NONE : v.progress();
        this.metrics = v.metrics() == null ? TrainingJobView.Metrics.NONE : v.metrics();
        if (v.history() != null) {
            this.history.addAll(v.history());
        }
        this.error = v.error();
        this.modelId = v.modelId();
        this.promotion = v.promotion();
        this.candidates = v.candidates();
    }

    static TrainingJob restored(TrainingJobView view) {
        return new TrainingJob(view);
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

    boolean cancelRequested() {
        return cancelRequested.get();
    }

    synchronized TrainingJobState state() {
        return state;
    }

    synchronized void attach(Future<?> future) {
        this.future = future;
    }

    /** Takes the data for training and lets go of it, so a finished job holds no texts in memory. */
    synchronized PreparedDataset takeData() {
        PreparedDataset d = data;
        data = null;
        return d;
    }

    /** Moves a queued job to RUNNING; false if it was cancelled meanwhile. */
    synchronized boolean start() {
        if (state != TrainingJobState.QUEUED) {
            return false;
        }
        state = TrainingJobState.RUNNING;
        startedAt = Instant.now();
        startNanos = System.nanoTime();
        return true;
    }

    /** Asks the job to stop; a queued job ends at once. Returns false if it had already ended. */
    synchronized boolean requestCancel() {
        if (state.isFinal()) {
            return false;
        }
        cancelRequested.set(true);
        if (state == TrainingJobState.QUEUED) {
            if (future != null) {
                future.cancel(false);
            }
            data = null;
            finish(TrainingJobState.CANCELLED, null, null);
        }
        return true;
    }

    /**
     * Replaces the running estimate (time since the job started, vectors loading included) with the trainer's
     * own figures: training time only, validation excluded.
     */
    synchronized void recordTrainingSpeed(double examplesPerSecond, double tokensPerSecond) {
        progress = new TrainingJobView.Progress(progress.epoch(), progress.totalEpochs(), progress.batch(),
                progress.totalBatches(), progress.percent(), progress.etaSeconds(),
                Math.round(examplesPerSecond * 10) / 10.0, (double) Math.round(tokensPerSecond));
    }

    /**
     * Records the configurations the job tried and the one it kept, whose epochs become the job's history;
     * call before {@link #finish}.
     */
    synchronized void recordCandidates(List<ConfigurationSearch.CandidateReport> tried, List<EpochMetrics> kept) {
        this.candidates = tried.size() < 2 ? null : List.copyOf(tried);
        history.clear();
        history.addAll(kept);
    }

    /** A search moves on to its next candidate: the epochs shown from now on are that candidate's. */
    @Override
    public synchronized void onCandidate(int index, int count, String name) {
        candidateIndex = index;
        candidateCount = Math.max(1, count);
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
                    progress.totalBatches(), 100.0, 0L, progress.examplesPerSecond(), progress.tokensPerSecond());
        }
    }

    @Override
    public synchronized void onStart(int examples, long tokens) {
        tokensPerExample = examples == 0 ? 0 : (double) tokens / examples;
    }

    @Override
    public synchronized void onBatch(int epoch, int batch, int totalBatches, double loss) {
        int totalEpochs = config.hyperParameters().epochs();
        batchesSeen++;
        // over all candidates of a search, each counted as its full number of epochs (a fine-tuning phase
        // beyond them stays at the candidate's end, so that the figure never goes back)
        long perCandidate = (long) totalEpochs * totalBatches;
        long done = candidateIndex * perCandidate + Math.min(perCandidate, (long) (epoch - 1) * totalBatches + batch);
        long total = candidateCount * perCandidate;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        Long eta = done > 0 ? Math.round(elapsed / done * (total - done)) : null;
        double examplesPerSecond = elapsed > 0 ? batchesSeen * (double) config.hyperParameters().batchSize() / elapsed : 0;
        progress = new TrainingJobView.Progress(epoch, totalEpochs, batch, totalBatches,
                Math.round(1000.0 * done / total) / 10.0, eta, Math.round(examplesPerSecond * 10) / 10.0,
                (double) Math.round(examplesPerSecond * tokensPerExample));
        metrics = new TrainingJobView.Metrics(loss, metrics.validationAccuracy(), metrics.validationMacroF1(),
                metrics.validationAccuracyStandardError(), metrics.validationMacroF1StandardError(), metrics.learningRate());
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
        return new TrainingJobView(id, config.name(), state, createdAt, startedAt, finishedAt, progress, metrics,
                List.copyOf(history), report, settings, config.activate(), error, modelId, promotion,
                candidates);
    }
}
