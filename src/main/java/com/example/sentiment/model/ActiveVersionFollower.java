package com.example.sentiment.model;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ActiveVersionPointer.Pointer;
import com.example.sentiment.model.ModelService.LoadedModel;
import com.example.sentiment.model.ModelService.Serving;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Makes a replica serve the version the {@link ActiveVersionPointer} names: a change notification, and a
 * jittered poll every {@code sentiment.storage.pointer-poll} in case a notification was missed, make its one
 * background thread read the pointer and, when it names another version than the served one, load that one
 * (download, verify, load, warm up) and swap it in through the {@link ModelService}. A failed load keeps the
 * old model serving and is tried again with exponential back-off ({@code sentiment.retry.model-load}), while
 * the pointer is still read at every poll. With the pointer unset, the newest version that loads is made active.
 *
 * <p>Everything here but {@link #followSoon} and {@link #close} runs on the follower's thread.
 */
final class ActiveVersionFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveVersionFollower.class);

    private final ModelService models;
    private final ModelRepository repository;
    private final ActiveVersionPointer pointer;
    private final Duration poll;
    private final BackOff loadRetries;
    private final ScheduledExecutorService follower;
    private boolean toldNoModel;
    private String failingId;
    private BackOffExecution failingRetries;
    private long retryAt;
    // with the pointer unset, the newest version that loads is made active, chosen among the versions of the first
    // listing (null until one succeeds; empty once one is active): a version stored later (a job's
    // "activate": false, an import without --activate) stays inactive
    private Set<String> adoptable;

    /** Starts following at once. */
    ActiveVersionFollower(ModelService models, ModelRepository repository, ActiveVersionPointer pointer,
                          SentimentProperties properties) {
        this.models = models;
        this.repository = repository;
        this.pointer = pointer;
        this.poll = properties.storage().pointerPoll();
        // the waits only, not a RetryTemplate: the follower goes on reading the pointer between tries, so that a
        // new activation is followed at once instead of after the failing version's back-off
        this.loadRetries = properties.retry().modelLoad().backOff();
        // loading in the background keeps the process live (and its liveness probe answering) while a large
        // model loads; readiness stays down until one is ready
        this.follower = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("model-follower"));
        pointer.onChange(this::followSoon);
        follower.execute(this::followAndReschedule);
    }

    /** Stops following the pointer. */
    @Override
    public void close() {
        follower.shutdownNow();
    }

    /** Reads the pointer again soon, on the follower's thread (a change was announced). */
    private void followSoon() {
        try {
            follower.execute(this::followLogged);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void followAndReschedule() {
        followLogged();
        long delay = (long) (poll.toNanos() * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        if (failingId != null) {
            delay = Math.max(0, Math.min(delay, retryAt - System.nanoTime()));
        }
        try {
            follower.schedule(this::followAndReschedule, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * {@link #follow()}, whatever it throws: an Error escaping to the executor would be kept in a future nobody
     * reads, and the next poll never scheduled, so this replica would stop following the pointer silently.
     */
    private void followLogged() {
        try {
            follow();
        } catch (Throwable e) {
            log.error("Following the active-version pointer failed; trying again at the next poll", e);
        }
    }

    /** Reads the pointer and, when it names another version than the served one, loads that one and swaps. */
    private void follow() {
        Optional<Pointer> read;
        try {
            read = pointer.current();
        } catch (RuntimeException e) {
            // until the pointer has been read once, a replica with nothing loaded says it is still loading
            log.warn("Cannot read the active-version pointer, serving on: {}", e.getMessage());
            return;
        }
        try {
            if (read.isEmpty()) {
                if (models.serving() == null && (adoptable == null || !adoptable.isEmpty())) {
                    serveNewest(null);
                }
                return;
            }
            Pointer target = read.get();
            models.noteDesired(target);
            Serving current = models.serving();
            if (current != null && target.generation() < current.generation()) {
                // read just now, so not a stale notification: the pointer was reset (a restored database, say)
                log.warn("The pointer's generation went back from {} to {}: following it", current.generation(),
                        target.generation());
                current = models.forgetGeneration(current);
            }
            if (current != null && current.model().id().equals(target.modelId())) {
                if (current.generation() < target.generation()) {
                    models.install(current.model(), target.generation());
                }
                failingId = null;
                models.loadFailure(null);
                return;
            }
            if (target.modelId().equals(failingId) && System.nanoTime() < retryAt) {
                return;
            }
            LoadedModel fresh = models.loadedHere(target.modelId());
            try {
                LoadedModel loaded = fresh != null ? fresh : models.takeCachedOrLoad(target.modelId());
                models.install(loaded, target.generation());
                failingId = null;
                models.loadFailure(null);
            } catch (Exception | Error e) {
                // an Error too (out of memory for a large version): retried with back-off like any failure
                loadFailed(target.modelId(), e);
                if (models.serving() == null) {
                    serveNewest(target.modelId());
                }
            }
        } finally {
            models.startupOver();
        }
    }

    private void loadFailed(String id, Throwable e) {
        if (!id.equals(failingId)) {
            failingRetries = loadRetries.start();
        }
        failingId = id;
        long delay = TimeUnit.MILLISECONDS.toNanos(failingRetries.nextBackOff());
        retryAt = System.nanoTime() + delay;
        models.loadFailure(e.getMessage());
        Serving current = models.serving();
        log.error("Model {} named by the pointer cannot be loaded ({}); {}; retrying in {} s", id, e.getMessage(),
                current == null ? "no model serves" : "model " + current.model().id() + " keeps serving",
                TimeUnit.NANOSECONDS.toSeconds(delay));
    }

    /**
     * With nothing served yet: the newest usable version serves instead. When the pointer is unset it is
     * pointed at that version (only if still unset, so that replicas starting together agree), chosen among the
     * versions of the first listing that succeeded: a version stored afterwards while none is active was stored on
     * purpose without activating it. When the pointer names a version that cannot load, it is left alone and that
     * version is retried.
     */
    private void serveNewest(String broken) {
        List<StoredModel> candidates;
        try {
            candidates = repository.list();
        } catch (IOException e) {
            log.warn("Cannot list the model versions to find one to serve: {}", e.getMessage());
            return;
        }
        if (broken == null && adoptable == null) {
            adoptable = candidates.stream().map(StoredModel::id).collect(Collectors.toSet());
        }
        for (StoredModel candidate : candidates) {
            if (!candidate.usable() || candidate.id().equals(broken) || broken == null && !adoptable.contains(candidate.id())) {
                continue;
            }
            LoadedModel loaded;
            try {
                loaded = models.takeCachedOrLoad(candidate.id());
            } catch (IOException | RuntimeException e) {
                log.error("Model {} cannot be loaded either: {}", candidate.id(), e.getMessage());
                continue;
            }
            if (broken == null) {
                Optional<Pointer> claimed = pointer.compareAndSet(0, candidate.id());
                if (claimed.isEmpty()) {
                    // another replica pointed it first: follow that one
                    followSoon();
                    return;
                }
                adoptable = Set.of();
                models.noteDesired(claimed.get());
                models.install(loaded, claimed.get().generation());
                log.info("No version was active: model {}, the newest, is now", candidate.id());
            } else {
                models.install(loaded, 0);
                log.warn("Serving model {} instead of {} until that one loads", candidate.id(), broken);
            }
            return;
        }
        if (broken == null && !toldNoModel) {
            // once: the poll tries the versions of the first listing again every few seconds
            toldNoModel = true;
            log.warn("No model is active: classification answers 503 until a version is activated (a training job "
                    + "with the default \"activate\": \"if-better\" activates its own)");
        }
    }
}
