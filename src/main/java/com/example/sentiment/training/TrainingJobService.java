package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetOptions;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.feedback.FeedbackStore;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.BadRequestException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Training jobs as the API and the {@code train} command see them: accepted ({@link #submit}: settings, data and
 * stored corrections read and checked) and submitted to the {@link TrainingJobQueue} (one job trains at a time per
 * worker thread by default; more wait as QUEUED and a full queue refuses new jobs), watched and cancelled there.
 * A worker ({@link TrainingWorker}, in this process or another) trains each job on its own network, so serving
 * never waits on training; a job that succeeds becomes a new model version, and the active one only if it beats
 * the active one ({@code "if-better"}, the default; see {@link PromotionGate}) unless asked otherwise.
 *
 * <p>A job that a worker of this process trains is shown with its live progress (every minibatch); others as
 * their worker last recorded them.
 */
@Service
public class TrainingJobService {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);

    private final TrainingUploadReader reader;
    private final FeedbackStore feedback;
    private final TrainingJobQueue queue;
    private final TrainingWorker worker;
    private final ModelService models;
    private volatile Counts counts = new Counts(Map.of(), 0);

    private record Counts(Map<TrainingJobState, Long> byState, long atNanos) {
    }

    TrainingJobService(TrainingUploadReader reader, FeedbackStore feedback, TrainingJobQueue queue,
                       TrainingWorker worker, ModelService models, MeterRegistry meters) {
        this.reader = reader;
        this.feedback = feedback;
        this.queue = queue;
        this.worker = worker;
        this.models = models;
        registerMetrics(meters);
    }

    private void registerMetrics(MeterRegistry meters) {
        for (TrainingJobState state : TrainingJobState.values()) {
            Gauge.builder("sentiment.training.jobs", () -> counts().getOrDefault(state, 0L))
                    .description("Training jobs by state").tag("state", state.name()).register(meters);
        }
        gauge(meters, "sentiment.training.current.epoch", "Epoch of the running job", v -> (double) v.progress().epoch());
        gauge(meters, "sentiment.training.current.batch", "Batch of the running job", v -> (double) v.progress().batch());
        gauge(meters, "sentiment.training.current.loss", "Latest minibatch loss of the running job", v -> v.metrics().trainLoss());
        gauge(meters, "sentiment.training.current.validation.accuracy", "Latest validation accuracy of the running job",
                v -> v.metrics().validationAccuracy());
        gauge(meters, "sentiment.training.examples.per.second", "Training throughput of the running job",
                v -> v.progress().examplesPerSecond());
        gauge(meters, "sentiment.training.tokens.per.second", "Training throughput of the running job in tokens",
                v -> v.progress().tokensPerSecond());
    }

    /** Figures of the job this process trains. */
    private void gauge(MeterRegistry meters, String name, String description, Function<TrainingJobView, Double> value) {
        Gauge.builder(name, () -> worker.anyRunning().map(value).filter(Objects::nonNull).orElse(Double.NaN))
                .description(description).register(meters);
    }

    /** Job counts, read at most once a second: a shared queue is a database query, and a scrape reads five. */
    private Map<TrainingJobState, Long> counts() {
        Counts last = counts;
        if (last.atNanos() != 0 && System.nanoTime() - last.atNanos() < 1_000_000_000L) {
            return last.byState();
        }
        try {
            Map<TrainingJobState, Long> now = new EnumMap<>(TrainingJobState.class);
            now.putAll(queue.counts());
            counts = new Counts(now, System.nanoTime());
            return now;
        } catch (RuntimeException e) {
            return last.byState(); // a metrics scrape must not fail while the queue's database is away
        }
    }

    /**
     * Accepts a training job: reads its settings, then its data with the stored corrections it asks for, and
     * queues it. Everything wrong is refused before a job exists: a bad config with 400 (naming the field), a
     * teacher that is not a usable version or does not know every label of the data with 400, bad data with 422,
     * data that does not fit the memory budget with 413, and too many waiting jobs with 503.
     *
     * @param configJson     the job's settings as JSON, or null or blank for the defaults
     * @param dataFile       the uploaded training file, and {@code validationFile} the validation file or null: a
     *                       shared queue keeps them for the worker, which reads them again
     */
    public TrainingJobView submit(String configJson, DatasetReader.Upload dataFile, DatasetReader.Upload validationFile) {
        TrainingConfig.ResolvedTrainingConfig config = reader.config(configJson);
        // every correction stored so far; a worker that reads the files again takes those given up to the job's
        // creation, which are the same unless one arrives while this reads
        List<DatasetOptions.Correction> corrections = TrainingUploadReader.corrections(feedback, config, Instant.MAX);
        PreparedDataset data = reader.data(dataFile, validationFile, config, corrections);
        if (config.distillation() != null) {
            checkTeacher(config.distillation().teacher(), data.labels());
        }
        TrainingJobView view = TrainingJobView.queued(UUID.randomUUID().toString(), config, data.report(), Instant.now());
        TrainingJobView queued = queue.submit(new TrainingJobQueue.NewJob(view, config, data, dataFile, validationFile));
        log.info("Queued training job {} ({} training / {} validation examples)", queued.id(),
                data.train().size(), data.validation().size());
        return queued;
    }

    private void checkTeacher(String id, List<String> labels) {
        StoredModel teacher;
        try {
            teacher = models.get(id);
        } catch (ModelNotFoundException e) {
            throw BadRequestException.forField("config.teacher", "there is no model version '" + id
                    + "' (GET /api/v1/models lists them)");
        }
        if (!teacher.usable()) {
            throw BadRequestException.forField("config.teacher", "model version '" + id + "' cannot be used: "
                    + teacher.problem());
        }
        List<String> unknown = DistilledDataset.unknownToTeacher(teacher.metadata().labels(), labels);
        if (!unknown.isEmpty()) {
            throw BadRequestException.forField("config.teacher", "model version '" + id + "' does not know the "
                    + "labels " + unknown + " of the data (its labels: " + teacher.metadata().labels() + ")");
        }
    }

    public TrainingJobView get(String id) {
        return worker.live(id).or(() -> queue.find(id)).orElseThrow(() -> TrainingJobNotFoundException.forId(id));
    }

    /**
     * One page of the jobs, newest first; only the page's jobs are looked up in the worker. The page is cut here,
     * not in each queue adapter, so both adapters page alike (the queue still reads every record).
     */
    public TrainingJobPage page(int page, int size) {
        List<TrainingJobView> all = queue.list();
        long from = Math.min((long) page * size, all.size());
        List<TrainingJobView> items = all.subList((int) from, (int) Math.min(from + size, all.size())).stream()
                .map(v -> worker.live(v.id()).orElse(v)).toList();
        return new TrainingJobPage(items, page, size, all.size());
    }

    /**
     * Stops a job: a queued one at once, a running one within one minibatch (another worker's: its next heartbeat).
     *
     * @throws TrainingJobFinishedException when the job had ended before (a job that ends while this runs is
     *                                      answered as it ended)
     */
    public TrainingJobView cancel(String id) {
        TrainingJobView before = get(id);
        if (before.state().isFinal()) {
            throw TrainingJobFinishedException.cannotCancel(before);
        }
        TrainingJobView view = queue.cancel(id).orElseThrow(() -> TrainingJobNotFoundException.forId(id));
        if (view.state() == TrainingJobState.RUNNING) {
            worker.cancelIfRunningHere(id);
        }
        return worker.live(id).orElse(view);
    }

    public Optional<TrainingJobView> running() {
        return worker.anyRunning().or(() -> queue.oldest(TrainingJobState.RUNNING));
    }

    public long queued() {
        return queue.counts().getOrDefault(TrainingJobState.QUEUED, 0L);
    }
}
