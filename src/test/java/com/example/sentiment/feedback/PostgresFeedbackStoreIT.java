package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestPostgres;
import com.example.sentiment.feedback.postgres.PostgresFeedbackStore;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL adapter against the store contract, on a private cluster ({@link TestPostgres}). */
class PostgresFeedbackStoreIT extends FeedbackStoreContract {

    private TestPostgres postgres;

    @BeforeEach
    void emptyDatabase() {
        postgres = TestPostgres.get();
        postgres.reset();
    }

    @Override
    protected FeedbackStore store() {
        return reopen();
    }

    @Override
    protected FeedbackStore reopen() {
        return new PostgresFeedbackStore(postgres.dataSource());
    }

    @Test
    void theInstantComesBackToTheNanosecondAndOrdersCorrectionsWithinAMicrosecond() throws Exception {
        FeedbackStore store = store();
        Instant base = Instant.parse("2026-12-02T10:00:00.999999Z");
        Feedback later = new Feedback(FeedbackIds.next(base), base.plusNanos(900), "b", "positive", null, null);
        Feedback earlier = new Feedback(FeedbackIds.next(base), base.plusNanos(100), "a", "negative", null, null);
        store.save(later);
        store.save(earlier);
        assertThat(reopen().find(later.id())).contains(later);
        assertThat(reopen().all()).containsExactly(earlier, later);
    }
}
