package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A core is lent only while fewer passes run than there are cores, and a task always runs exactly once. */
class SpareCoreTest {

    @AfterEach
    void lendNothing() {
        SpareCore.cores(1);
    }

    @Test
    void lendsTheIdleCoreToTheOnlyRunningPass() throws Exception {
        SpareCore.cores(2);
        AtomicReference<String> ranOn = new AtomicReference<>();
        try (SpareCore.Pass pass = SpareCore.enter()) {
            SpareCore.Lent task = pass.lend(() -> ranOn.set(Thread.currentThread().getName()));
            assertThat(task.lent()).isTrue();
            task.join();
        }
        assertThat(ranOn.get()).isEqualTo("fused-lstm-spare-core");
    }

    @Test
    void lendsNothingWhenEveryCoreRunsAPassOrByDefault() {
        SpareCore.cores(2);
        try (SpareCore.Pass first = SpareCore.enter(); SpareCore.Pass second = SpareCore.enter()) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            SpareCore.Lent task = second.lend(() -> ranOn.set(Thread.currentThread()));
            assertThat(task.lent()).isFalse();
            assertThat(ranOn.get()).as("runs only when joined").isNull();
            task.join();
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        }
        SpareCore.cores(1);
        try (SpareCore.Pass only = SpareCore.enter()) {
            assertThat(only.lend(() -> { }).lent()).isFalse();
        }
    }

    @Test
    void aBusyHelperRunsTheNextTaskOnItsCallerAndFailuresReachTheCaller() throws Exception {
        SpareCore.cores(3);
        CountDownLatch release = new CountDownLatch(1);
        try (SpareCore.Pass pass = SpareCore.enter()) {
            SpareCore.Lent blocking = pass.lend(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocking.lent()).isTrue();
            assertThat(pass.lend(() -> { }).lent()).as("the helper is busy").isFalse();
            release.countDown();
            blocking.join();
            SpareCore.Lent failing = pass.lend(() -> {
                throw new IllegalArgumentException("broken direction");
            });
            assertThatThrownBy(failing::join).isInstanceOf(IllegalArgumentException.class).hasMessage("broken direction");
        }
    }
}
