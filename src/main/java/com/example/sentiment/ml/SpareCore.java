package com.example.sentiment.ml;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lends one idle core to a forward pass: a bidirectional model's second direction runs there while the first
 * runs on the caller. Under load every core already runs a pass of its own, and then nothing is lent (a lent
 * core would only take time from another batch): a task is lent only while fewer passes run than there are
 * {@linkplain #cores cores} and the helper thread is idle, and otherwise runs on the caller. Whether a pass is
 * large enough to gain from it is the caller's decision: on the 2-vCPU machine here a second thread computing
 * at the same time slowed 1-text passes and sped up only passes of 128 texts.
 */
final class SpareCore {

    // 1 (the default) lends nothing; the service sets the number of cores its passes may use
    private static volatile int cores = 1;
    private static final AtomicInteger PASSES = new AtomicInteger();
    private static final AtomicBoolean HELPER_IDLE = new AtomicBoolean(true);
    private static final AtomicLong LENT = new AtomicLong();
    private static final ExecutorService HELPER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "fused-lstm-spare-core");
        thread.setDaemon(true);
        return thread;
    });

    private SpareCore() {
    }

    /** Cores that forward passes may use; 1 or less lends nothing. */
    static void cores(int count) {
        cores = count;
    }

    /** Tasks lent to the spare core since the process started. */
    static long lentCount() {
        return LENT.get();
    }

    /** Marks a forward pass as running until {@link Pass#close()}. */
    static Pass enter() {
        PASSES.incrementAndGet();
        return new Pass();
    }

    /** One running forward pass. */
    static final class Pass implements AutoCloseable {

        private Pass() {
        }

        /**
         * Starts {@code task} on the spare core when one is idle; {@link Lent#join()} waits for it there, or
         * runs it on the caller when it was not lent.
         */
        Lent lend(Runnable task) {
            if (PASSES.get() < cores && HELPER_IDLE.compareAndSet(true, false)) {
                LENT.incrementAndGet();
                CompletableFuture<Void> done = new CompletableFuture<>();
                HELPER.execute(() -> {
                    Throwable failure = null;
                    try {
                        task.run();
                    } catch (Throwable e) {
                        failure = e;
                    }
                    // idle again before the caller wakes, so that its next pass may borrow the core at once
                    HELPER_IDLE.set(true);
                    if (failure == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(failure);
                    }
                });
                return new Lent(null, done);
            }
            return new Lent(task, null);
        }

        @Override
        public void close() {
            PASSES.decrementAndGet();
        }
    }

    /** A task that runs elsewhere, or on the caller at {@link #join()}. */
    static final class Lent {

        private final Runnable inline;
        private final CompletableFuture<Void> elsewhere;

        private Lent(Runnable inline, CompletableFuture<Void> elsewhere) {
            this.inline = inline;
            this.elsewhere = elsewhere;
        }

        /** Whether the task went to the spare core. */
        boolean lent() {
            return elsewhere != null;
        }

        /** Returns once the task has run. */
        void join() {
            if (inline != null) {
                inline.run();
                return;
            }
            // CompletableFuture.join waits even when interrupted: the task writes into memory the caller frees
            // once this returns
            try {
                elsewhere.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }
}
