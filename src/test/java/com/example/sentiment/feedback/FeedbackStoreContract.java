package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.SentimentProperties;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * What every {@link FeedbackStore} adapter must do. An adapter's test extends this class and says how to open
 * the store; {@link #reopen()} must give a new store over the same storage (as after a restart), with the same
 * limits. An adapter that reads {@link FeedbackStore#forEach} in batches uses batches of at most
 * {@link #BATCH} here, so that a walk spans several.
 */
abstract class FeedbackStoreContract {

    protected static final int BATCH = 4;
    protected static final SentimentProperties.FeedbackLimits NO_LIMITS =
            new SentimentProperties.FeedbackLimits(Integer.MAX_VALUE, DataSize.ofGigabytes(1));

    /** A store over empty storage, with these caps. */
    protected abstract FeedbackStore store(SentimentProperties.FeedbackLimits limits);

    /** A fresh store over the storage of the last {@link #store}, as a restarted service would open it. */
    protected abstract FeedbackStore reopen();

    protected FeedbackStore store() {
        return store(NO_LIMITS);
    }

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
    void aDeletedCorrectionIsGoneFromEveryListingAndAfterARestart() throws Exception {
        FeedbackStore store = store(new SentimentProperties.FeedbackLimits(2, DataSize.ofGigabytes(1)));
        Feedback a = feedback("one", "positive", "m1", 1);
        Feedback b = feedback("two", "negative", "m1", 2);
        store.save(a);
        store.save(b);
        assertThat(store.delete(a.id())).isTrue();
        assertThat(store.delete(a.id())).as("already gone").isFalse();
        assertThat(store.delete("20261201-000000-000-00000000")).as("never stored").isFalse();
        assertThat(store.delete("../../etc/passwd")).as("not an id").isFalse();
        assertThat(store.find(a.id())).isEmpty();
        assertThat(store.page(0, 10, null).items()).containsExactly(b);
        assertThat(store.page(0, 10, "m1").total()).isEqualTo(1);
        assertThat(store.all()).containsExactly(b);
        // its place under the count cap is free again
        Feedback c = feedback("three", "positive", "m2", 3);
        store.save(c);
        assertThat(reopen().all()).containsExactly(b, c);
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

    /**
     * U+0000 (which PostgreSQL text cannot hold) and an unpaired surrogate (which UTF-8 cannot encode) would
     * not come back as given on every backend, so every adapter refuses them, and stores nothing.
     */
    @Test
    void aTextNoBackendCanStoreExactlyIsRefusedAndNothingIsStored() throws Exception {
        FeedbackStore store = store();
        Feedback kept = feedback("kept", "positive", "m", 1);
        store.save(kept);
        for (Feedback bad : List.of(feedback("nul \u0000 inside", "positive", "m", 2),
                feedback("half a pair \uD83D", "positive", "m", 3),
                feedback("fine", "posi\u0000tive", "m", 4),
                new Feedback(FeedbackIds.next(Instant.now()), Instant.now(), "fine", "positive", "m", "neg\u0000"))) {
            assertThatThrownBy(() -> store.save(bad)).as(bad.text()).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.find(bad.id())).isEmpty();
        }
        assertThat(store.all()).containsExactly(kept);
        assertThat(reopen().all()).containsExactly(kept);
        // and asked for by a URL, such a value matches nothing rather than failing the query
        assertThat(store.find("\u0000")).isEmpty();
        assertThat(store.page(0, 10, "m\u0000").total()).isZero();
        List<Feedback> visited = new ArrayList<>();
        store.forEach("m\u0000", visited::add);
        assertThat(visited).isEmpty();
    }

    @Test
    void pagesWalkEveryCorrectionOnceAcrossManyPages() throws Exception {
        FeedbackStore store = store();
        List<Feedback> saved = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            Feedback f = feedback("text " + i, i % 2 == 0 ? "positive" : "negative", i % 3 == 0 ? "m1" : "m2", i);
            store.save(f);
            saved.add(0, f); // newest first
        }
        FeedbackStore restarted = reopen();
        List<Feedback> walked = new ArrayList<>();
        for (int page = 0; page < 5; page++) {
            FeedbackPage p = restarted.page(page, 5, null);
            assertThat(p.total()).isEqualTo(23);
            assertThat(p.items()).hasSizeLessThanOrEqualTo(5);
            walked.addAll(p.items());
        }
        assertThat(walked).containsExactlyElementsOf(saved);
        assertThat(restarted.page(1, 3, "m1").items()).containsExactlyElementsOf(
                saved.stream().filter(f -> "m1".equals(f.modelId())).skip(3).limit(3).toList());
    }

    @Test
    void forEachHandsOverOldestFirstFilteredAndStopsWhenTheVisitorFails() throws Exception {
        FeedbackStore store = store();
        List<Feedback> oldestFirst = new ArrayList<>();
        for (int i = 0; i < 3 * BATCH + 1; i++) {
            // saved newest first, so that the store must order them
            Feedback f = feedback("text " + i, "positive", i % 2 == 0 ? "even" : "odd", 100 - i * 2);
            store.save(f);
            oldestFirst.add(0, f);
        }
        List<Feedback> visited = new ArrayList<>();
        reopen().forEach(null, visited::add);
        assertThat(visited).containsExactlyElementsOf(oldestFirst);
        List<Feedback> even = new ArrayList<>();
        reopen().forEach("even", even::add);
        assertThat(even).containsExactlyElementsOf(oldestFirst.stream().filter(f -> "even".equals(f.modelId())).toList());
        assertThat(store.all()).containsExactlyElementsOf(oldestFirst);

        List<Feedback> beforeFailure = new ArrayList<>();
        assertThatThrownBy(() -> store.forEach(null, f -> {
            if (beforeFailure.size() == BATCH + 1) {
                throw new IOException("client went away");
            }
            beforeFailure.add(f);
        })).isInstanceOf(IOException.class).hasMessage("client went away");
        assertThat(beforeFailure).containsExactlyElementsOf(oldestFirst.subList(0, BATCH + 1));
    }

    @Test
    void pastTheCountCapANewCorrectionIsRefusedAndTheOthersStay() throws Exception {
        FeedbackStore store = store(new SentimentProperties.FeedbackLimits(2, DataSize.ofMegabytes(1)));
        Feedback a = feedback("one", "positive", "m", 1);
        Feedback b = feedback("two", "positive", "m", 2);
        store.save(a);
        store.save(b);
        Feedback c = feedback("three", "positive", "m", 3);
        assertThatThrownBy(() -> store.save(c)).isInstanceOf(FeedbackStoreFullException.class)
                .hasMessageContaining("sentiment.feedback.max-entries");
        assertThatThrownBy(() -> reopen().save(c)).as("the count survives a restart")
                .isInstanceOf(FeedbackStoreFullException.class);
        assertThat(reopen().all()).containsExactly(a, b);
        assertThat(reopen().find(c.id())).isEmpty();
    }

    @Test
    void pastTheSizeCapANewCorrectionIsRefusedButASmallerOneFits() throws Exception {
        // sizes are the UTF-8 bytes of text, label and model id: 10 + 8 + 1 = 19 for the first
        FeedbackStore store = store(new SentimentProperties.FeedbackLimits(100, DataSize.ofBytes(40)));
        Feedback first = feedback("\u00e9".repeat(5), "positive", "m", 1);
        assertThat(first.storedSize()).isEqualTo(19);
        store.save(first);
        Feedback tooBig = feedback("x".repeat(13), "positive", "m", 2); // 19 + 22 = 41
        assertThatThrownBy(() -> store.save(tooBig)).isInstanceOf(FeedbackStoreFullException.class)
                .hasMessageContaining("sentiment.feedback.max-total-size");
        assertThatThrownBy(() -> reopen().save(tooBig)).isInstanceOf(FeedbackStoreFullException.class);
        Feedback fits = feedback("x".repeat(12), "positive", "m", 3); // exactly 40
        reopen().save(fits);
        assertThat(reopen().all()).containsExactly(first, fits);
    }
}
