package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentProperties;
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

    private SentimentProperties.FeedbackLimits limits = NO_LIMITS;

    @Override
    protected FeedbackStore store(SentimentProperties.FeedbackLimits limits) {
        this.limits = limits;
        return reopen();
    }

    @Override
    protected FeedbackStore reopen() {
        return new PostgresFeedbackStore(postgres.dataSource(), limits, BATCH);
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

    /** Two replicas cannot both take the last place: inserts are serialised by an advisory lock. */
    @Test
    void concurrentInsertsNeverPassTheCountCap() throws Exception {
        FeedbackStore store = store(new SentimentProperties.FeedbackLimits(5, org.springframework.util.unit.DataSize.ofMegabytes(1)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Feedback f = feedback("text " + i, "positive", "m", i);
                FeedbackStore replica = reopen();
                results.add(pool.submit(() -> {
                    try {
                        replica.save(f);
                        return true;
                    } catch (FeedbackStoreFullException e) {
                        return false;
                    }
                }));
            }
            long stored = 0;
            for (var r : results) {
                stored += r.get(60, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(stored).isEqualTo(5);
            assertThat(store.page(0, 20, null).total()).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }
}
