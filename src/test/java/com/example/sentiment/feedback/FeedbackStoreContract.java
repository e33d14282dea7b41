package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FeedbackStore} adapter must do. An adapter's test extends this class and says how to open
 * the store; {@link #reopen()} must give a new store over the same storage (as after a restart).
 */
abstract class FeedbackStoreContract {

    /** A store over empty storage. */
    protected abstract FeedbackStore store();

    /** A fresh store over the storage of the last {@link #store()}, as a restarted service would open it. */
    protected abstract FeedbackStore reopen();

    protected static Feedback feedback(String text, String label, String modelId, int secondsAfterEpoch) {
        Instant at = Instant.parse("2026-12-01T00:00:00Z").plusSeconds(secondsAfterEpoch);
        return new Feedback(FeedbackIds.next(at), at, text, label, modelId, null);
    }

    @Test
    void aSavedCorrectionCanBeFoundAndSurvivesARestart() throws Exception {
        FeedbackStore store = store();
        Feedback f = new Feedback(FeedbackIds.next(Instant.now()), Instant.now(), "Not bad, \"really\"\nat all",
                "positive", "20261129-130908-d56a", "negative");
        store.save(f);
        assertThat(store.find(f.id())).contains(f);
        assertThat(reopen().find(f.id())).contains(f);
        assertThat(reopen().find("20261201-000000-000-00000000")).isEmpty();
    }

    @Test
    void pagesAreNewestFirstAndFilterByModel() throws Exception {
        FeedbackStore store = store();
        Feedback a = feedback("one", "positive", "m1", 1);
        Feedback b = feedback("two", "negative", "m2", 2);
        Feedback c = feedback("three", "positive", "m1", 3);
        for (Feedback f : List.of(b, c, a)) {
            store.save(f);
        }
        FeedbackPage first = store.page(0, 2, null);
        assertThat(first.items()).containsExactly(c, b);
        assertThat(first.total()).isEqualTo(3);
        assertThat(store.page(1, 2, null).items()).containsExactly(a);
        assertThat(store.page(5, 2, null).items()).isEmpty();
        FeedbackPage m1 = store.page(0, 10, "m1");
        assertThat(m1.items()).containsExactly(c, a);
        assertThat(m1.total()).isEqualTo(2);
        assertThat(store.all()).as("oldest first").containsExactly(a, b, c);
        assertThat(reopen().all()).containsExactly(a, b, c);
    }
}
