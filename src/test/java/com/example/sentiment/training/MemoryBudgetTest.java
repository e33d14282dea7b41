package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    static final long MIB = 1024 * 1024;

    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();

    private MemoryBudget budget(long maxMib, long usedMib, long usedAfterCollectionMib) {
        used.set(usedMib * MIB);
        return new MemoryBudget(() -> maxMib * MIB, used::get, () -> {
            collections.incrementAndGet();
            used.set(usedAfterCollectionMib * MIB);
        });
    }

    @Test
    void aFileWhoseEstimateFitsIsAcceptedWithoutACollection() {
        MemoryBudget.Claim claim = budget(800, 100, 100).open(100 * MIB);
        assertThat(collections).hasValue(0);
        claim.add(200 * MIB);
        assertThat(claim.claimed()).isEqualTo(200 * MIB);
    }

    @Test
    void garbageOfAnEarlierUploadIsCollectedBeforeAFileIsRefused() {
        budget(800, 700, 100).open(100 * MIB);
        assertThat(collections).hasValue(1);
    }

    @Test
    void aFileWhoseEstimateDoesNotFitIsRefusedWithTheEstimateAndTheLimit() {
        assertThatThrownBy(() -> budget(200, 150, 100).open(40 * MIB))
                .isInstanceOfSatisfying(InsufficientMemoryException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("40 MiB of files", "estimated 100 MiB of heap",
                            "only 75 MiB of the 200 MiB heap limit is free");
                    assertThat(e.properties()).containsEntry("neededMiB", 100L).containsEntry("availableMiB", 75L);
                });
    }

    @Test
    void readingStopsOnceWhatItHoldsPassesWhatWasFree() {
        MemoryBudget.Claim claim = budget(400, 100, 100).open(10 * MIB);
        claim.add(200 * MIB);
        // an eighth of the heap stays free for the rest of the service
        claim.add(50 * MIB);
        assertThatThrownBy(() -> claim.add(1 * MIB))
                .isInstanceOf(InsufficientMemoryException.class)
                .hasMessageContaining("more than 251 MiB of heap").hasMessageContaining("250 MiB free of the 400 MiB");
    }
}
