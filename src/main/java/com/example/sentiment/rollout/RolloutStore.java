package com.example.sentiment.rollout;

import java.util.Optional;

/**
 * Where the rollout state lives (a port): the file {@code rollout.json} beside the active-version pointer in the
 * embedded default, a row in PostgreSQL in the scale-out mode (the same setting, {@code sentiment.storage.pointer},
 * chooses both). Every change raises the generation and is a compare-and-set on it, so of two replicas deciding
 * at once (one rolls a canary back, another promotes it) exactly one wins and the other re-reads.
 */
public interface RolloutStore {

    /** The state and its generation (0 and {@link RolloutState#EMPTY} before the first change). */
    record Versioned(RolloutState state, long generation) {
    }

    /** The state as stored now. */
    Versioned current();

    /** Stores {@code next} if the generation is still {@code expectedGeneration}; empty when another change came first. */
    Optional<Versioned> compareAndSet(long expectedGeneration, RolloutState next);
}
