package com.example.sentiment.dataset;

import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.NativeMemory;
import com.example.sentiment.ml.TrainingMemory;
import java.util.function.LongSupplier;

/**
 * The one memory budget of training uploads, {@link DatasetReader}'s. What a job holds on the heap, from the
 * first byte read until it has trained, is counted with the figures below (docs/training.md, "Memory budget"); a job is
 * refused with 413 when it does not fit the free heap (first estimated from the file sizes, then counted exactly
 * while reading), or when its network does not fit ND4J's off-heap limit.
 */
class MemoryBudget {

    /**
     * Heap per byte of uploaded file, for the estimate before reading. English reviews have about 170,000 tokens
     * and 9,000 rows a MiB, which the costs below put at 1.9 bytes a byte (docs/benchmarks.md); the rest is
     * for files of shorter rows. What a file really takes is counted while it is read.
     */
    static final double HEAP_PER_FILE_BYTE = 2.5;
    /** Each token: 4 bytes while reading, and 4 in the encoded sequence it ends up in. */
    static final long BYTES_PER_TOKEN = TokenisedRows.BYTES_PER_TOKEN * 2;
    /**
     * Each row: 8 bytes while reading, then its encoded sequence's array header, reference and label (28),
     * and the training iterator's per-epoch order of rows (28).
     */
    static final long BYTES_PER_ROW = TokenisedRows.BYTES_PER_ROW + 56;
    /** Share of the heap kept free for everything else the service does meanwhile: requests, inference. */
    static final int HEADROOM_SHARE = 8;

    /** The heap as measured: its limit and what is free of it. */
    record Heap(long max, long free) {
    }

    private final LongSupplier maxHeap;
    private final LongSupplier usedHeap;
    private final Runnable collectGarbage;

    MemoryBudget() {
        this(Runtime.getRuntime()::maxMemory, () -> Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
                System::gc);
    }

    MemoryBudget(LongSupplier maxHeap, LongSupplier usedHeap, Runnable collectGarbage) {
        this.maxHeap = maxHeap;
        this.usedHeap = usedHeap;
        this.collectGarbage = collectGarbage;
    }

    /** Estimated heap for files of this many bytes. */
    static long estimate(long fileBytes) {
        return (long) Math.ceil(fileBytes * HEAP_PER_FILE_BYTE);
    }

    /**
     * Checks the estimate for files of {@code fileBytes} against the free heap and opens a claim on what is
     * free, which reading then counts against.
     *
     * @throws InsufficientMemoryException when the estimate does not fit
     */
    Claim open(long fileBytes) {
        long needed = estimate(fileBytes);
        Heap heap = heap();
        if (needed > heap.free()) {
            // what looks used may be garbage of an earlier upload; only a collection tells
            collectGarbage.run();
            heap = heap();
        }
        if (needed > heap.free()) {
            throw InsufficientMemoryException.beforeReading(fileBytes, needed, heap);
        }
        return new Claim(heap.free(), heap.max(), this::freeAfterCollection);
    }

    /** What is free once garbage is collected (what an upload holds so far counts as used). */
    private long freeAfterCollection() {
        collectGarbage.run();
        return heap().free();
    }

    Heap heap() {
        long max = maxHeap.getAsLong();
        return new Heap(max, Math.max(0, max - usedHeap.getAsLong() - max / HEADROOM_SHARE));
    }

    /** Refuses a network whose training would not fit ND4J's off-heap limit. */
    void checkNetwork(HyperParameters hp, int vocabularySize, int labels) {
        long needed = TrainingMemory.nativeBytes(hp, vocabularySize, labels);
        long limit = NativeMemory.limitBytes();
        long free = Math.max(0, limit - NativeMemory.usedBytes());
        if (limit > 0 && needed > free) {
            throw InsufficientMemoryException.forNetwork(needed, free, limit);
        }
    }

    /** The heap one upload has used so far by the counts above, against what was free when it started. */
    static final class Claim {
        private long limit;
        private final long maxHeap;
        private final LongSupplier freeAfterCollection;
        private boolean collected;
        private long claimed;

        /** A claim on a fixed limit (no collection changes it). */
        Claim(long limit, long maxHeap) {
            this(limit, maxHeap, () -> 0);
        }

        Claim(long limit, long maxHeap, LongSupplier freeAfterCollection) {
            this.limit = limit;
            this.maxHeap = maxHeap;
            this.freeAfterCollection = freeAfterCollection;
        }

        /** Adds bytes the upload will hold; refuses it once they pass the limit (after one collection). */
        void add(long bytes) {
            if (claimed + bytes > limit) {
                remeasure();
            }
            claimed += bytes;
            if (claimed > limit) {
                throw InsufficientMemoryException.whileReading(claimed, limit, maxHeap);
            }
        }

        /** Adds bytes the upload could do without, if they fit: false (and nothing added) when they do not. */
        boolean addIfItFits(long bytes) {
            if (claimed + bytes > limit) {
                remeasure();
            }
            if (claimed + bytes > limit) {
                return false;
            }
            claimed += bytes;
            return true;
        }

        /**
         * The limit was what was free when the upload started, garbage included (no collection runs while the
         * estimate fits), so before the first refusal one collection tells what is really free: that, plus what
         * this upload holds already (which the collection counts as used), is the limit from then on.
         */
        private void remeasure() {
            if (collected) {
                return;
            }
            collected = true;
            limit = Math.max(limit, freeAfterCollection.getAsLong() + claimed);
        }

        long claimed() {
            return claimed;
        }
    }
}
