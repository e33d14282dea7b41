package com.example.sentiment.dataset;

import com.example.sentiment.DaemonThreads;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands rows to another sink on a second thread, in batches, so that parsing the file and tokenising its
 * texts overlap. A few batches wait at most, so memory stays bounded; a failure of the second thread (too
 * many labels, the memory budget) stops the parser at its next row.
 */
final class RowHandOff implements DatasetParser.RowSink, AutoCloseable {

    private static final int BATCH_ROWS = 1024;
    private static final String[] END = new String[0];

    private final BlockingQueue<String[]> queue = new ArrayBlockingQueue<>(8);
    private final DatasetParser.RowSink target;
    private final Thread worker;
    private volatile Throwable failure;
    private String[] batch = new String[BATCH_ROWS * 2];
    private int filled;

    RowHandOff(DatasetParser.RowSink target) {
        this.target = target;
        this.worker = DaemonThreads.named("upload-tokenizer").newThread(this::drain);
        worker.start();
    }

    @Override
    public void accept(int line, String text, String label) {
        batch[filled++] = text;
        batch[filled++] = label;
        if (filled == batch.length) {
            put(batch);
            batch = new String[BATCH_ROWS * 2];
            filled = 0;
        }
    }

    /** Waits until every row handed over has reached the target, and rethrows what failed there. */
    void finish() {
        put(Arrays.copyOf(batch, filled));
        put(END);
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the upload was tokenised", e);
        }
        rethrow();
    }

    /** Stops the second thread if the parser gave up. */
    @Override
    public void close() {
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }

    private void put(String[] rows) {
        rethrow();
        try {
            queue.put(rows);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the upload was read", e);
        }
    }

    private void rethrow() {
        Throwable f = failure;
        if (f instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (f instanceof Error error) {
            throw error;
        }
    }

    private void drain() {
        try {
            while (true) {
                String[] rows = queue.take();
                if (rows == END) {
                    return;
                }
                // after a failure, batches are taken and dropped so that the parser never blocks
                for (int i = 0; i < rows.length && failure == null; i += 2) {
                    try {
                        target.accept(0, rows[i], rows[i + 1]);
                    } catch (RuntimeException | Error e) {
                        failure = e;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the parser gave up
        }
    }
}
