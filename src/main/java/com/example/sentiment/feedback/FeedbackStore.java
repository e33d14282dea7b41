package com.example.sentiment.feedback;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where corrections are kept (a port: the file-system adapter today, a database one later). Whatever the
 * adapter, a correction that {@link #save} returned for is durable: it survives a restart and a crash.
 */
public interface FeedbackStore {

    /** Stores a new correction; on failure nothing is stored. */
    void save(Feedback feedback) throws IOException;

    Optional<Feedback> find(String id);

    /**
     * One page of the corrections, newest first.
     *
     * @param modelId only corrections of this model version; every one when null
     */
    FeedbackPage page(int page, int size, String modelId);

    /** Every correction, oldest first (the order they were given in), for export and training. */
    List<Feedback> all();
}
