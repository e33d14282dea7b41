package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.BundledModel;
import com.example.sentiment.FullContext;
import com.example.sentiment.TestCorpus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Explanations cost a forward pass per token they weigh; two clients explaining full batches in a loop must
 * not make single texts wait behind them. On the bundled model (the size served in production), two workers.
 */
@SpringBootTest(properties = "sentiment.classify.inference-threads=2")
class ExplanationLoadTest extends FullContext {

    private static final int ROUNDS = 5;
    private static final int SAMPLES_PER_ROUND = 200; // 1,000 a side: a p99 of its 10th-slowest, not its 4th, so one stray pause does not decide it
    // the most texts one call may explain: sentiment.classify.max-explain-texts by default
    private static final int EXPLAINED_TEXTS = 16;

    @DynamicPropertySource
    static void bundledModel(DynamicPropertyRegistry registry) throws IOException {
        // before the service starts, into the models folder it will read
        BundledModel.copyTo(models);
    }

    @Autowired
    ClassificationService classification;

    private long single(String text) {
        long start = System.nanoTime();
        classification.classify(text, null, ClassificationService.Options.PLAIN);
        return System.nanoTime() - start;
    }

    private static long percentile(List<Long> samples, double p) {
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * p) - 1);
    }

    @Test
    void twoExplainedBatchesInALoopLeaveSingleTextP99WithinThreeTimesUnloaded() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> modelService.active().isPresent());
        List<String> singles = TestCorpus.examples(50, 5).stream().map(TestCorpus.Example::text).toList();
        // the most texts one call may explain, each some 30 tokens long: about 500 variants a call
        List<String> corpus = TestCorpus.examples(64, 9).stream().map(TestCorpus.Example::text).toList();
        List<String> explained = new ArrayList<>();
        for (int i = 0; i < EXPLAINED_TEXTS; i++) {
            explained.add(String.join(" , ", corpus.get(i % corpus.size()), corpus.get((i + 1) % corpus.size()),
                    corpus.get((i + 2) % corpus.size()), corpus.get((i + 3) % corpus.size())));
        }
        ClassificationService.Options explain = new ClassificationService.Options(true, null);

        // warm-up: JIT, the workers' workspaces, an explanation of each kind
        for (int i = 0; i < 300; i++) {
            single(singles.get(i % singles.size()));
        }
        classification.classifyBatch(explained, null, explain);

        // unloaded and loaded phases alternate, so that whatever else the machine runs weighs on both alike
        List<Long> unloaded = new ArrayList<>();
        List<Long> loaded = new ArrayList<>();
        AtomicInteger explanations = new AtomicInteger();
        ExecutorService explainers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < SAMPLES_PER_ROUND; i++) {
                    unloaded.add(single(singles.get(i % singles.size())));
                }
                AtomicBoolean stop = new AtomicBoolean();
                int before = explanations.get();
                List<Future<?>> loops = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    loops.add(explainers.submit(() -> {
                        while (!stop.get()) {
                            classification.classifyBatch(explained, null, explain);
                            explanations.incrementAndGet();
                        }
                        return null;
                    }));
                }
                // both explaining before the measurement starts
                for (int i = 0; i < 20; i++) {
                    single(singles.get(i % singles.size()));
                }
                // bounded in time too: before the fix a single text could wait seconds behind explanations
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < SAMPLES_PER_ROUND && System.nanoTime() < end; i++) {
                    loaded.add(single(singles.get(i % singles.size())));
                }
                stop.set(true);
                for (Future<?> loop : loops) {
                    loop.get(120, TimeUnit.SECONDS);
                }
                assertThat(explanations.get()).as("explanations ran during round " + round).isGreaterThan(before);
            }
        } finally {
            explainers.shutdownNow();
        }
        long quiet = percentile(unloaded, 0.99);
        long busy = percentile(loaded, 0.99);
        System.out.printf("single-text p99: %.2f ms unloaded, %.2f ms beside two explaining clients (%.1fx; medians "
                        + "%.2f and %.2f ms); %d explanations%n", quiet / 1e6, busy / 1e6, (double) busy / quiet,
                percentile(unloaded, 0.5) / 1e6, percentile(loaded, 0.5) / 1e6, explanations.get());
        // measured against at least 5 ms: on ONNX Runtime an unloaded single text's p99 is about 3 ms, under the
        // time slice two busy explaining threads take from it on a 2-core machine, so the bare ratio measured the
        // OS scheduler; a text queued behind explanations (the fault this guards against) waited seconds
        double reference = Math.max(quiet, TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(busy / reference).as("single-text p99 beside explanations / max(unloaded, 5 ms)")
                .isLessThanOrEqualTo(3.0);
    }
}
