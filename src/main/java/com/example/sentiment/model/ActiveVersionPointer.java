package com.example.sentiment.model;

import java.util.Optional;

/**
 * Which model version serves: the active-version pointer (a port). Every change raises its generation, so a
 * replica can tell a new activation from one it has already followed without comparing listings or times.
 *
 * <p><b>Deleting a version races activating it</b> in another replica: a check of the pointer followed by the
 * deletion, each atomic on its own, lets an activation in between point at a version whose files then go. So
 * the pointer also guards deletions, as a compare-and-set against its generation:
 * <ol>
 *   <li>the deleting replica reads the pointer (generation {@code g}); it refuses when the pointer names the
 *       version;</li>
 *   <li>{@link #beginDeletion}{@code (g, id)} marks the version as being deleted, atomically with a check that
 *       the generation is still {@code g}: an activation since then (which may name {@code id}) makes it fail,
 *       and the deletion is refused (409, try again);</li>
 *   <li>from the mark on, {@link #compareAndSet} refuses {@code id}: an activation that read the pointer
 *       before the mark fails its compare-and-set, one after it finds the mark;</li>
 *   <li>only then are the version's files deleted, and {@link #endDeletion} removes the mark (also when the
 *       deletion failed, so that the version can be activated again).</li>
 * </ol>
 * Both steps that decide take the same atomic unit (PostgreSQL's pointer row, which holds the marks too, so
 * that a compare-and-set that waited on its lock re-checks them; the file pointer's lock in this JVM), so of
 * an activation and a deletion of one version at most one succeeds. A mark leaves the generation as it is. A
 * crash between mark and end leaves the mark: that version cannot be activated until it is deleted again
 * (which ends the mark).
 * {@link #set} (a freshly trained version, whose new id no deletion can name) does not look at marks.
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
     * version was ever activated) and {@code modelId} is not being deleted; empty when another activation (or
     * the start of a deletion) came first, or when that version is being deleted.
     */
    Optional<Pointer> compareAndSet(long expectedGeneration, String modelId);

    /**
     * Marks {@code modelId} as being deleted, only if the stored generation is still {@code expectedGeneration}
     * (0 when no version was ever activated) and the pointer does not name {@code modelId}; from then on
     * {@link #compareAndSet} refuses it until {@link #endDeletion}. True when marked (also when it already was).
     *
     * <p>The default is for test doubles only: not atomic with a compare-and-set, and it marks nothing.
     */
    default boolean beginDeletion(long expectedGeneration, String modelId) {
        Optional<Pointer> now = current();
        return now.map(Pointer::generation).orElse(0L) == expectedGeneration
                && now.map(Pointer::modelId).filter(modelId::equals).isEmpty();
    }

    /** Removes the mark of {@link #beginDeletion}: the deletion is over, done or failed. */
    default void endDeletion(String modelId) {
    }

    /**
     * Registers a listener called (on any thread) whenever the pointer may have changed, in this process or,
     * for shared adapters, in another one; it re-reads {@link #current()}.
     */
    void onChange(Runnable listener);
}
