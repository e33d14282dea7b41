package com.example.sentiment.feedback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where corrections are kept (a port: the file-system adapter, and PostgreSQL's). Whatever the adapter, a
 * correction that {@link #save} returned for is durable: it survives a restart and a crash. No adapter holds
 * the texts in memory: a page reads one page, and {@link #forEach} reads as it goes, so that a listing or an
 * export costs memory for what it hands out, not for the whole store. The store is bounded by
 * {@code sentiment.feedback}.
 */
public interface FeedbackStore {

    /**
     * Stores a new correction; on failure nothing is stored, and what was stored before is left intact.
     *
     * @throws FeedbackStoreFullException when it would take the store past {@code sentiment.feedback}'s caps
     * @throws IllegalArgumentException when a field cannot be stored exactly ({@link StorableText})
     * @throws IOException when it cannot be written (a full disk)
     */
    void save(Feedback feedback) throws IOException;

    Optional<Feedback> find(String id);

    /**
     * Removes a correction for good: it is in no page, export or training run after this returns, and its place
     * under the caps is free again.
     *
     * @return false when there is no correction with this id (none was ever stored, or it was deleted already)
     * @throws IOException when it cannot be removed (a failing volume); it is then left as it was
     */
    boolean delete(String id) throws IOException;

    /**
     * One page of the corrections, newest first.
     *
     * @param modelId only corrections of this model version; every one when null
     */
    FeedbackPage page(int page, int size, String modelId);

    /**
     * Hands every correction to {@code visitor}, oldest first (the order they were given in), reading as it goes.
     * The visitor's exception stops the walk and comes out of this method.
     *
     * @param modelId only corrections of this model version; every one when null
     */
    void forEach(String modelId, Visitor visitor) throws IOException;

    /**
     * Every correction, oldest first, in one list: for training, which holds its rows in memory anyway (and the
     * store's caps bound them).
     */
    default List<Feedback> all() {
        List<Feedback> all = new ArrayList<>();
        try {
            forEach(null, all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** What {@link #forEach} hands each correction to; may write, and so may fail with an IOException. */
    @FunctionalInterface
    interface Visitor {
        void visit(Feedback feedback) throws IOException;
    }
}
