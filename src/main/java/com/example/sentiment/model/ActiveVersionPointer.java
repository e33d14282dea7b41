package com.example.sentiment.model;

import java.util.Optional;

/**
 * Which model version serves: the active-version pointer (a port). Every change raises its generation, so a
 * replica can tell a new activation from one it has already followed without comparing listings or times.
 *
 * <p>Adapters: {@code filesystem} (the {@code active} file of the embedded default) and {@code postgres} (one
 * row, changed in the same transaction that marks a job SUCCEEDED, announced by {@code NOTIFY}).
 */
public interface ActiveVersionPointer {

    /** @param modelId the version that should serve; @param generation grows by one with every change */
    record Pointer(String modelId, long generation) {
    }

    /** The pointer as stored now; empty when no version was ever activated. */
    Optional<Pointer> current();

    /** Points at {@code modelId} unconditionally and returns the new pointer. */
    Pointer set(String modelId);

    /**
     * Points at {@code modelId} only if the stored generation is still {@code expectedGeneration} (0 when no
     * version was ever activated); empty when another activation came first.
     */
    Optional<Pointer> compareAndSet(long expectedGeneration, String modelId);

    /**
     * Registers a listener called (on any thread) whenever the pointer may have changed, in this process or,
     * for shared adapters, in another one; it re-reads {@link #current()}.
     */
    void onChange(Runnable listener);
}
