package com.example.sentiment.dataset;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A training upload that does not fit the memory this service has: refused with 413 before it is read
 * whole, with the estimate and the limit in the detail (and as {@code neededMiB} and {@code availableMiB}),
 * or after the heap ran out while reading it.
 */
public class InsufficientMemoryException extends ProblemException {

    private static final String ADVICE = " Upload a smaller file, or give the service more memory.";

    private InsufficientMemoryException(String detail, long neededBytes, long availableBytes) {
        this(detail);
        with("neededMiB", mib(neededBytes));
        with("availableMiB", mib(availableBytes));
    }

    private InsufficientMemoryException(String detail) {
        super(HttpStatus.CONTENT_TOO_LARGE, "insufficient-memory", "Not enough memory for this training data", detail);
    }

    /** Refused from the file sizes alone, before reading. */
    static InsufficientMemoryException beforeReading(long fileBytes, long neededBytes, MemoryBudget.Heap heap) {
        return new InsufficientMemoryException("Preparing and training on " + mib(fileBytes) + " MiB of files needs "
                + "an estimated " + mib(neededBytes) + " MiB of heap (" + MemoryBudget.HEAP_PER_FILE_BYTE
                + " bytes per byte of file), but only " + mib(heap.free()) + " MiB of the " + mib(heap.max())
                + " MiB heap limit is free." + ADVICE, neededBytes, heap.free());
    }

    /** Refused while reading, when the file turned out to hold more than the estimate said. */
    static InsufficientMemoryException whileReading(long neededBytes, long limitBytes, long maxHeap) {
        return new InsufficientMemoryException("The tokens, rows and words of this upload need more than "
                + mib(neededBytes) + " MiB of heap to train on, more than the " + mib(limitBytes) + " MiB free of the "
                + mib(maxHeap) + " MiB heap limit." + ADVICE, neededBytes, limitBytes);
    }

    /** The model these settings describe does not fit ND4J's off-heap limit. */
    static InsufficientMemoryException forNetwork(long neededBytes, long freeBytes, long limitBytes) {
        return new InsufficientMemoryException("Training this network needs an estimated " + mib(neededBytes)
                + " MiB of ND4J off-heap memory, but only " + mib(freeBytes) + " MiB of its " + mib(limitBytes)
                + " MiB limit (org.bytedeco.javacpp.maxbytes) is free. Lower maxVocabularySize, embeddingSize, "
                + "lstmUnits, batchSize or maxSequenceLength, or raise the limit.", neededBytes, freeBytes);
    }

    /** The heap ran out anyway, while the upload was read. */
    static InsufficientMemoryException ranOut(long fileBytes, long maxHeap) {
        return new InsufficientMemoryException("The service ran out of memory while reading " + mib(fileBytes)
                + " MiB of training files (heap limit " + mib(maxHeap) + " MiB); nothing was kept." + ADVICE);
    }

    static long mib(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0));
    }
}
