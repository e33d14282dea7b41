package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.ml.HyperParameters;
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
    void garbageLeftWhenReadingStartedIsCollectedBeforeReadingIsRefused() {
        // 150 MiB look used when the upload starts (the estimate fits, so nothing is collected), 100 of them
        // garbage; after the collection below, 50 MiB and the 190 the upload holds are used
        MemoryBudget.Claim claim = budget(400, 150, 50 + 190).open(10 * MIB);
        assertThat(collections).hasValue(0);
        claim.add(190 * MIB);
        assertThat(collections).hasValue(0);
        // past the 200 MiB that looked free: one collection finds 400 - 400/8 - 50 - 190 (held) = 110 MiB more
        claim.add(50 * MIB);
        assertThat(collections).hasValue(1);
        assertThat(claim.addIfItFits(60 * MIB)).isTrue();
        assertThatThrownBy(() -> claim.add(1 * MIB))
                .isInstanceOf(InsufficientMemoryException.class)
                .hasMessageContaining("more than 301 MiB of heap").hasMessageContaining("300 MiB free of the 400 MiB");
        assertThat(collections).as("one collection per upload at most").hasValue(1);
    }

    @Test
    void readingStopsOnceWhatItHoldsPassesWhatWasFree() {
        // no garbage: a collection finds the 100 MiB used before and the 250 the upload holds
        MemoryBudget.Claim claim = budget(400, 100, 100 + 250).open(10 * MIB);
        claim.add(200 * MIB);
        // an eighth of the heap stays free for the rest of the service
        claim.add(50 * MIB);
        assertThatThrownBy(() -> claim.add(1 * MIB))
                .isInstanceOf(InsufficientMemoryException.class)
                .hasMessageContaining("more than 251 MiB of heap").hasMessageContaining("250 MiB free of the 400 MiB");
    }

    @Test
    void aNetworkThatDoesNotFitNd4jsLimitIsRefusedNamingTheSettingsAndTheDefaultsFit() {
        MemoryBudget budget = new MemoryBudget();
        HyperParameters defaults = hp(100, 128);
        budget.checkNetwork(defaults, 50_000, 2);
        // 10 million words of 1,024 dimensions: 40 GB of weights alone
        assertThatThrownBy(() -> budget.checkNetwork(hp(1024, 128), 10_000_000, 2))
                .isInstanceOfSatisfying(InsufficientMemoryException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("ND4J off-heap memory", "org.bytedeco.javacpp.maxbytes",
                            "embeddingSize");
                    assertThat((Long) e.properties().get("neededMiB"))
                            .isGreaterThan((Long) e.properties().get("availableMiB"));
                });
    }

    private static HyperParameters hp(int embeddingSize, int lstmUnits) {
        return new HyperParameters(1, 64, 0.002, embeddingSize, lstmUnits, false, 0.5, 0.25, 100, 2, 50_000, 42, 3,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
    }
}
