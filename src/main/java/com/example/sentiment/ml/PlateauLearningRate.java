package com.example.sentiment.ml;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate of one training run, which the trainer halves after an epoch without validation
 * improvement. DL4J's parallel trainer copies the network into its replicas through the configuration's
 * JSON, so the schedule keeps only a key into a process-wide table of rates: every replica then reads the
 * one rate the trainer lowers. {@link #close()} removes the entry (keeping the last rate); the trained network is given a fixed
 * rate before it is saved, so no stored model refers to it.
 */
final class PlateauLearningRate implements ISchedule, AutoCloseable {

    // a rate is read by replica threads while the trainer's thread lowers it: atomics, for visibility
    private static final Map<String, AtomicLong> RATES = new ConcurrentHashMap<>();
    /** Halvings at most: a run that keeps not improving trains on at 1/32 of its rate, not at nothing. */
    static final int MAX_HALVINGS = 5;

    @JsonProperty("key")
    private String key;
    @JsonProperty("initial")
    private double initial;
    private transient int halvings;
    private transient double closedAt = Double.NaN;

    private PlateauLearningRate() {
        // for Jackson, when a replica's configuration is read back
    }

    private PlateauLearningRate(String key, double initial) {
        this.key = key;
        this.initial = initial;
    }

    static PlateauLearningRate start(double initial) {
        PlateauLearningRate rate = new PlateauLearningRate(UUID.randomUUID().toString(), initial);
        RATES.put(rate.key, new AtomicLong(Double.doubleToLongBits(initial)));
        return rate;
    }

    /** The rate now, or the last one once closed. */
    double current() {
        AtomicLong rate = RATES.get(key);
        if (rate == null) {
            return Double.isNaN(closedAt) ? initial : closedAt;
        }
        return Double.longBitsToDouble(rate.get());
    }

    /** Halves the rate (up to {@link #MAX_HALVINGS} times); true when it did. */
    boolean halve() {
        AtomicLong rate = RATES.get(key);
        if (rate == null || halvings >= MAX_HALVINGS) {
            return false;
        }
        halvings++;
        rate.set(Double.doubleToLongBits(Double.longBitsToDouble(rate.get()) / 2));
        return true;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return current();
    }

    @Override
    public ISchedule clone() {
        // shared on purpose: a clone must follow the rate the trainer lowers
        return this;
    }

    /**
     * Equal by key: DL4J groups layers with equal updater settings into one block of updater state, and the
     * replicas, whose layers each read back their own copy, must group them as the original does.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PlateauLearningRate other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public void close() {
        closedAt = current();
        RATES.remove(key);
    }
}
