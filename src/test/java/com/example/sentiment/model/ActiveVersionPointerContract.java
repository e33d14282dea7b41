package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ActiveVersionPointer} adapter promises; each adapter's test extends this (the file-system
 * pointer of the embedded default, the PostgreSQL one of the scale-out mode).
 */
abstract class ActiveVersionPointerContract {

    /** A pointer over empty state. */
    protected abstract ActiveVersionPointer pointer();

    /** Another handle onto the same state, as another replica would hold it. */
    protected abstract ActiveVersionPointer another();

    @Test
    void namesNothingUntilSetAndEveryChangeRaisesTheGeneration() {
        ActiveVersionPointer pointer = pointer();
        assertThat(pointer.current()).isEmpty();
        ActiveVersionPointer.Pointer first = pointer.set("20261202-100000-aaaa");
        ActiveVersionPointer.Pointer second = pointer.set("20261202-100000-bbbb");
        assertThat(second.generation()).isGreaterThan(first.generation());
        assertThat(pointer.current()).contains(second);
        assertThat(another().current().map(ActiveVersionPointer.Pointer::modelId)).contains("20261202-100000-bbbb");
    }

    @Test
    void compareAndSetWinsOnlyAgainstTheCurrentGeneration() {
        ActiveVersionPointer pointer = pointer();
        ActiveVersionPointer.Pointer now = pointer.set("20261202-100000-aaaa");
        assertThat(pointer.compareAndSet(now.generation() - 1, "20261202-100000-bbbb")).as("a stale generation").isEmpty();
        Optional<ActiveVersionPointer.Pointer> moved = pointer.compareAndSet(now.generation(), "20261202-100000-cccc");
        assertThat(moved).isPresent();
        assertThat(moved.get().generation()).isGreaterThan(now.generation());
        assertThat(pointer.current().map(ActiveVersionPointer.Pointer::modelId)).contains("20261202-100000-cccc");
    }

    @Test
    void ofRacingCompareAndSetsOnTheSameGenerationExactlyOneWins() throws Exception {
        ActiveVersionPointer pointer = pointer();
        long generation = pointer.set("20261202-100000-aaaa").generation();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<ActiveVersionPointer.Pointer>>> outcomes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String id = "20261202-100000-000" + i;
                outcomes.add(threads.submit(() -> {
                    start.await();
                    return pointer.compareAndSet(generation, id);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Optional<ActiveVersionPointer.Pointer>> outcome : outcomes) {
                winners += outcome.get().isPresent() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void listenersHearAChange() {
        ActiveVersionPointer pointer = pointer();
        AtomicInteger heard = new AtomicInteger();
        pointer.onChange(heard::incrementAndGet);
        // a listener may start listening asynchronously (PostgreSQL's LISTEN): set until it hears
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            pointer.set("20261202-100000-dddd");
            return heard.get() > 0;
        });
        assertThat(pointer.current().map(ActiveVersionPointer.Pointer::modelId)).contains("20261202-100000-dddd");
    }
}
