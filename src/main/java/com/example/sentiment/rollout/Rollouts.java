package com.example.sentiment.rollout;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ModelService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The rollout state as this replica applies it, and the changes to it. The state is read from the
 * {@link RolloutStore} every {@code sentiment.rollout.poll-interval} (and after every change made here), so every
 * replica routes the same split and obeys the same decision; the guard check (every
 * {@code sentiment.rollout.guard-interval}) stores a rollback as a compare-and-set, so a decision is taken once.
 */
@Service
class Rollouts {

    private static final Logger log = LoggerFactory.getLogger(Rollouts.class);
    private static final int ATTEMPTS = 20;

    private final RolloutStore store;
    private final ModelService models;
    private final CanaryWindows windows;
    private final Clock clock;
    private final Counter rollbacks;
    private final ScheduledExecutorService scheduler;
    private volatile RolloutStore.Versioned cached;

    @Autowired
    Rollouts(RolloutStore store, ModelService models, CanaryWindows windows, SentimentProperties properties,
             MeterRegistry registry) {
        this(store, models, windows, properties.rollout(), registry, Clock.systemUTC());
    }

    Rollouts(RolloutStore store, ModelService models, CanaryWindows windows, SentimentProperties.Rollout settings,
             MeterRegistry registry, Clock clock) {
        this.store = store;
        this.models = models;
        this.windows = windows;
        this.clock = clock;
        this.rollbacks = Counter.builder("sentiment.rollout.canary.rollbacks")
                .description("Canaries ended because a guard was breached").register(registry);
        this.cached = safeRead().orElse(new RolloutStore.Versioned(RolloutState.EMPTY, 0));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rollout-follower"));
        scheduler.scheduleWithFixedDelay(this::refresh, settings.pollInterval().toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::checkGuards, settings.guardInterval().toMillis(),
                settings.guardInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
    }

    /** The state this replica applies now (at most one poll interval behind the store). */
    RolloutState state() {
        return cached.state();
    }

    /** The state as stored now (this replica's copy when the store cannot be read). */
    RolloutState stored() {
        refresh();
        return state();
    }

    /** Re-reads the stored state; a store out of reach keeps the last one read (logged). */
    void refresh() {
        safeRead().ifPresent(v -> {
            if (v.generation() >= cached.generation() || v.generation() == 0) {
                cached = v;
            }
        });
    }

    private Optional<RolloutStore.Versioned> safeRead() {
        try {
            return Optional.of(store.current());
        } catch (RuntimeException e) {
            log.warn("Cannot read the rollout state ({}); keeping the last one read", e.getMessage());
            return Optional.empty();
        }
    }

    /** Makes {@code modelId} the shadow (it is loaded now, so a bad version fails here, not on traffic). */
    RolloutState.Shadow setShadow(String modelId, double sampleRate) {
        String id = models.resolve(modelId).id();
        RolloutState.Shadow shadow = new RolloutState.Shadow(id, sampleRate, clock.instant());
        update(s -> s.withShadow(shadow).with(event("shadow-set", id, "sample rate " + sampleRate
                + gateAbandoned(s.shadow()))));
        return shadow;
    }

    /**
     * Makes {@code modelId} the shadow under {@code gate}: it is activated or dismissed by the shadow gate check
     * ({@link ShadowGate}). Replaces any previous shadow.
     */
    RolloutState.Shadow setGatedShadow(String modelId, double sampleRate, RolloutState.Gate gate, String detail) {
        String id = models.resolve(modelId).id();
        RolloutState.Shadow shadow = new RolloutState.Shadow(id, sampleRate, clock.instant(), gate);
        update(s -> s.withShadow(shadow).with(event("shadow-gate-started", id, detail + gateAbandoned(s.shadow()))));
        return shadow;
    }

    /** Ends the shadow; false when there was none. */
    boolean clearShadow() {
        RolloutState.Shadow[] ended = new RolloutState.Shadow[1];
        update(s -> {
            ended[0] = s.shadow();
            return s.shadow() == null ? s : s.withShadow(null).with(event("shadow-ended", s.shadow().modelId(),
                    "by request" + gateAbandoned(s.shadow())));
        });
        return ended[0] != null;
    }

    /**
     * Ends the gated shadow {@code shadow} with a decision, if it is still the shadow: one compare-and-set, so that
     * of replicas deciding at once exactly one takes it. True when this call took it.
     */
    boolean endGatedShadow(RolloutState.Shadow shadow, String eventType, String detail) {
        boolean[] took = new boolean[1];
        update(s -> {
            took[0] = shadow.sameAs(s.shadow());
            return took[0] ? s.withShadow(null).with(event(eventType, shadow.modelId(), detail)) : s;
        });
        return took[0];
    }

    /** Puts a gated shadow back (its report goes on) after its promotion could not be carried out. */
    void restoreGatedShadow(RolloutState.Shadow shadow, String detail) {
        update(s -> s.shadow() == null
                ? s.withShadow(shadow).with(event("shadow-gate-promotion-failed", shadow.modelId(), detail)) : s);
    }

    /** Activates {@code modelId} (as {@code PUT /api/v1/models/active} does). */
    void activate(String modelId) {
        models.activate(modelId);
    }

    private static String gateAbandoned(RolloutState.Shadow previous) {
        return previous != null && previous.gate() != null ? "; the shadow gate of " + previous.modelId()
                + " is abandoned (that version stays stored, not active)" : "";
    }

    /** Starts (or replaces) the canary; the active version cannot be its own canary. */
    RolloutState.Canary startCanary(String modelId, int percent, RolloutState.Guards guards) {
        String id = models.resolve(modelId).id();
        if (models.active().map(ModelService.LoadedModel::id).filter(id::equals).isPresent()) {
            throw RolloutProblemException.conflict("Version " + id + " is the active version; a canary must be another one.");
        }
        RolloutState.Canary canary = new RolloutState.Canary(id, percent, guards, RolloutState.CanaryState.RUNNING,
                null, clock.instant(), null);
        windows.clear();
        update(s -> s.withCanary(canary).with(event("canary-started", id, percent + "% of requests")));
        return canary;
    }

    /** Ends the running canary by request; every replica stops routing to it at its next poll. */
    RolloutState.Canary endCanary() {
        return decide(RolloutState.CanaryState.ENDED, "ended by request", "canary-ended");
    }

    /** Makes the running canary the active version (through the model service's activation), then ends it. */
    RolloutState.Canary promote() {
        RolloutState.Canary canary = Optional.ofNullable(state().runningCanary())
                .or(() -> Optional.ofNullable(safeRead().map(v -> v.state().runningCanary()).orElse(null)))
                .orElseThrow(RolloutProblemException::noCanary);
        models.activate(canary.modelId());
        return decide(RolloutState.CanaryState.PROMOTED, "promoted to active", "canary-promoted");
    }

    /**
     * Rolls the canary {@code modelId} back if it still runs: one compare-and-set, so that replicas that see the
     * same breach store one decision. True when this call took it.
     */
    boolean rollBack(String modelId, String reason) {
        boolean[] took = new boolean[1];
        update(s -> {
            RolloutState.Canary running = s.runningCanary();
            took[0] = running != null && running.modelId().equals(modelId);
            return took[0] ? s.withCanary(running.decided(RolloutState.CanaryState.ROLLED_BACK, reason, clock.instant()))
                    .with(event("canary-rolled-back", modelId, reason)) : s;
        });
        if (took[0]) {
            rollbacks.increment();
            log.warn("Canary {} rolled back: {}", modelId, reason);
        }
        return took[0];
    }

    /** The active version's id; null when none is active. */
    String activeId() {
        return models.active().map(ModelService.LoadedModel::id).orElse(null);
    }

    /** The most recent events, newest last. */
    List<RolloutState.Event> events() {
        return state().events();
    }

    /** Checks the running canary's guards once; a breach is stored as the decision. */
    void checkGuards() {
        try {
            RolloutState.Canary canary = state().runningCanary();
            if (canary == null) {
                return;
            }
            String activeId = models.active().map(ModelService.LoadedModel::id).orElse(null);
            windows.breach(canary, activeId, clock.millis()).ifPresent(reason -> rollBack(canary.modelId(), reason));
        } catch (RuntimeException e) {
            log.warn("The canary guard check failed: {}", e.getMessage(), e);
        }
    }

    private RolloutState.Canary decide(RolloutState.CanaryState to, String reason, String eventType) {
        RolloutState.Canary[] decided = new RolloutState.Canary[1];
        update(s -> {
            RolloutState.Canary running = s.runningCanary();
            if (running == null) {
                throw RolloutProblemException.noCanary();
            }
            decided[0] = running.decided(to, reason, clock.instant());
            return s.withCanary(decided[0]).with(event(eventType, running.modelId(), reason));
        });
        return decided[0];
    }

    private RolloutState.Event event(String type, String modelId, String detail) {
        return new RolloutState.Event(clock.instant(), type, modelId, detail);
    }

    /** Applies {@code change} to the stored state as a compare-and-set, again on a fresh read when another came first. */
    private void update(UnaryOperator<RolloutState> change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            RolloutStore.Versioned now = store.current();
            RolloutState next = change.apply(now.state());
            if (next.equals(now.state())) {
                cached = now;
                return;
            }
            Optional<RolloutStore.Versioned> written = store.compareAndSet(now.generation(), next);
            if (written.isPresent()) {
                cached = written.get();
                return;
            }
        }
        throw RolloutProblemException.conflict("The rollout state kept changing under this request; try again.");
    }
}
