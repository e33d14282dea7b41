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
    void aVersionBeingDeletedCannotBeActivatedUntilTheDeletionEnds() {
        ActiveVersionPointer pointer = pointer();
        long generation = pointer.set("20261202-100000-aaaa").generation();
        assertThat(pointer.beginDeletion(generation, "20261202-100000-bbbb")).isTrue();
        // another replica, which read the pointer before the deletion began or after
        ActiveVersionPointer other = another();
        long now = other.current().orElseThrow().generation();
        assertThat(other.compareAndSet(generation, "20261202-100000-bbbb")).isEmpty();
        assertThat(other.compareAndSet(now, "20261202-100000-bbbb")).isEmpty();
        assertThat(pointer.current().map(ActiveVersionPointer.Pointer::modelId)).contains("20261202-100000-aaaa");
        pointer.endDeletion("20261202-100000-bbbb");
        // a version of that id imported again later is a version like any other
        assertThat(other.compareAndSet(other.current().orElseThrow().generation(), "20261202-100000-bbbb")).isPresent();
    }

    @Test
    void aDeletionDoesNotBeginOnceThePointerMovedOrWhileItNamesTheVersion() {
        ActiveVersionPointer pointer = pointer();
        long read = pointer.set("20261202-100000-aaaa").generation();
        // between the deleting replica's read and its deletion, another one activates that very version
        ActiveVersionPointer other = another();
        assertThat(other.compareAndSet(other.current().orElseThrow().generation(), "20261202-100000-bbbb")).isPresent();
        assertThat(pointer.beginDeletion(read, "20261202-100000-bbbb")).as("against a stale generation").isFalse();
        long now = pointer.current().orElseThrow().generation();
        assertThat(pointer.beginDeletion(now, "20261202-100000-bbbb")).as("the version it names").isFalse();
        assertThat(pointer.beginDeletion(now, "20261202-100000-cccc")).as("another version").isTrue();
        pointer.endDeletion("20261202-100000-cccc");
    }

    @Test
    void ofAnActivationAndADeletionOfOneVersionRacingOnOneGenerationAtMostOneWins() throws Exception {
        ActiveVersionPointer deleting = pointer();
        ActiveVersionPointer activating = another();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            int activations = 0;
            int deletions = 0;
            for (int round = 0; round < 40; round++) {
                String version = String.format("20261202-1000%02d-eeee", round);
                // each replica read the pointer (the same state) before it acts
                long seenByDeleting = deleting.set("20261202-100000-aaaa").generation();
                long seenByActivating = activating.current().orElseThrow().generation();
                CountDownLatch start = new CountDownLatch(1);
                Future<Boolean> activated = threads.submit(() -> {
                    start.await();
                    return activating.compareAndSet(seenByActivating, version).isPresent();
                });
                Future<Boolean> deleted = threads.submit(() -> {
                    start.await();
                    return deleting.beginDeletion(seenByDeleting, version);
                });
                start.countDown();
                boolean a = activated.get();
                boolean d = deleted.get();
                assertThat(a && d).as("activated and deleted at once in round " + round).isFalse();
                if (d) {
                    assertThat(deleting.current().map(ActiveVersionPointer.Pointer::modelId).orElse(null)).isNotEqualTo(version);
                    deleting.endDeletion(version);
                }
                activations += a ? 1 : 0;
                deletions += d ? 1 : 0;
            }
            assertThat(activations + deletions).isPositive();
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
