package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RolloutStore} adapter promises; each adapter's test extends this (the file of the embedded
 * default, the PostgreSQL row of the scale-out mode).
 */
abstract class RolloutStoreContract {

    /** A store over empty state. */
    protected abstract RolloutStore store();

    /** Another handle onto the same state, as another replica holds it. */
    protected abstract RolloutStore another();

    private static final Instant T = Instant.parse("2026-12-07T01:00:00Z");

    private static RolloutState canary(RolloutState.CanaryState state) {
        return RolloutState.EMPTY
                .withShadow(new RolloutState.Shadow("20261202-100000-aaaa", 0.25, T))
                .withCanary(new RolloutState.Canary("20261202-100000-bbbb", 10,
                        new RolloutState.Guards(0.05, null, 0.1, 0.2, 50, 30), state,
                        state == RolloutState.CanaryState.RUNNING ? null : "error rate 0.2 > 0.0 + 0.05", T, null))
                .with(new RolloutState.Event(T, "canary-started", "20261202-100000-bbbb", "10%"));
    }

    @Test
    void isEmptyAtGenerationZeroUntilTheFirstChange() {
        assertThat(store().current()).isEqualTo(new RolloutStore.Versioned(RolloutState.EMPTY, 0));
    }

    @Test
    void keepsEveryFieldAndAnotherReplicaReadsTheSameDecision() {
        RolloutStore store = store();
        RolloutState running = canary(RolloutState.CanaryState.RUNNING);
        RolloutStore.Versioned first = store.compareAndSet(0, running).orElseThrow();
        assertThat(first.generation()).isGreaterThan(0);
        assertThat(another().current()).isEqualTo(first);
        RolloutState rolledBack = canary(RolloutState.CanaryState.ROLLED_BACK);
        RolloutStore.Versioned second = another().compareAndSet(first.generation(), rolledBack).orElseThrow();
        assertThat(second.generation()).isGreaterThan(first.generation());
        assertThat(store.current().state().canary().state()).isEqualTo(RolloutState.CanaryState.ROLLED_BACK);
        assertThat(store.current().state().canary().reason()).isEqualTo("error rate 0.2 > 0.0 + 0.05");
        assertThat(store.current().state()).isEqualTo(rolledBack);
    }

    @Test
    void keepsAShadowGateAndReadsAShadowStoredWithoutOne() {
        RolloutStore store = store();
        RolloutState gated = RolloutState.EMPTY.withShadow(new RolloutState.Shadow("20261202-100000-cccc", 0.2, T,
                new RolloutState.Gate("job-1", "20261202-100000-aaaa", 500, 0.9)))
                .with(new RolloutState.Event(T, "shadow-gate-started", "20261202-100000-cccc", "training job job-1"));
        RolloutStore.Versioned written = store.compareAndSet(0, gated).orElseThrow();
        assertThat(another().current().state()).isEqualTo(gated);
        assertThat(another().current().state().shadow().gate().minAgreement()).isEqualTo(0.9);
        // a state written before shadow gates existed has no gate field: its shadow is a plain one
        assertThat(RolloutJson.read("{\"shadow\":{\"modelId\":\"m\",\"sampleRate\":0.5,"
                + "\"since\":\"2026-12-07T01:00:00Z\"},\"events\":[]}").shadow())
                .isEqualTo(new RolloutState.Shadow("m", 0.5, T));
        assertThat(store.compareAndSet(written.generation(), RolloutState.EMPTY)).isPresent();
    }

    @Test
    void aStaleGenerationChangesNothing() {
        RolloutStore store = store();
        RolloutStore.Versioned first = store.compareAndSet(0, canary(RolloutState.CanaryState.RUNNING)).orElseThrow();
        assertThat(store.compareAndSet(first.generation() - 1, RolloutState.EMPTY)).isEmpty();
        assertThat(store.compareAndSet(first.generation() + 1, RolloutState.EMPTY)).isEmpty();
        assertThat(store.current()).isEqualTo(first);
    }

    @Test
    void ofRacingDecisionsOnOneGenerationExactlyOneWins() throws Exception {
        RolloutStore store = store();
        long generation = store.compareAndSet(0, canary(RolloutState.CanaryState.RUNNING)).orElseThrow().generation();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<RolloutStore.Versioned>>> outcomes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RolloutStore handle = i % 2 == 0 ? store : another();
                RolloutState next = canary(i % 2 == 0 ? RolloutState.CanaryState.ROLLED_BACK
                        : RolloutState.CanaryState.PROMOTED);
                outcomes.add(threads.submit(() -> {
                    start.await();
                    return handle.compareAndSet(generation, next);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Optional<RolloutStore.Versioned>> outcome : outcomes) {
                won += outcome.get().isPresent() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
            assertThat(store.current().generation()).isEqualTo(generation + 1);
        } finally {
            threads.shutdownNow();
        }
    }
}
