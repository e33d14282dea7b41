package com.example.sentiment.ml;

import org.bytedeco.javacpp.Pointer;

/**
 * Memory outside the Java heap, where ND4J keeps its arrays and workspaces. A leak there is invisible to the
 * JVM's own metrics; the resident size of the process shows it (the heap is bounded by {@code -Xmx}).
 */
public final class NativeMemory {

    private NativeMemory() {
    }

    /** Resident set size of the whole process, heap and native memory together. */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }

    /** ND4J's off-heap limit ({@code -Dorg.bytedeco.javacpp.maxbytes}, by default the maximum heap size). */
    public static long limitBytes() {
        return Pointer.maxBytes();
    }

    /** Off-heap memory that ND4J holds now, counted against {@link #limitBytes()}. */
    public static long usedBytes() {
        return Pointer.totalBytes();
    }
}
