package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each guard of a canary, judged on the window against the active version, and the minimum sample. */
class CanaryWindowsTest {

    private static final String ACTIVE = "20261202-100000-aaaa";
    private static final String CANARY = "20261202-100000-bbbb";
    private static final long NOW = 1_000_000_000L;

    private final CanaryWindows windows = new CanaryWindows();

    private static RolloutState.Canary canary(RolloutState.Guards guards) {
        return new RolloutState.Canary(CANARY, 10, guards, RolloutState.CanaryState.RUNNING, null,
                Instant.ofEpochMilli(NOW - 60_000), null);
    }

    /** {@code n} answered requests of one text each, {@code millis} long, abstaining every {@code abstainEvery}th. */
    private void answered(String id, int n, long millis, int abstainEvery) {
        for (int i = 0; i < n; i++) {
            windows.record(id, NOW - 1000 + i, millis * 1_000_000, false, 1,
                    abstainEvery > 0 && i % abstainEvery == 0 ? 1 : 0);
        }
    }

    @Test
    void nothingIsJudgedBelowTheMinimumSample() {
        for (int i = 0; i < 49; i++) {
            windows.record(CANARY, NOW - 10, 1_000_000, true, 0, 0);
        }
        answered(ACTIVE, 500, 1, 0);
        RolloutState.Guards guards = new RolloutState.Guards(0.05, 2.0, 0.1, 0.1, 50, 30);
        assertThat(windows.breach(canary(guards), ACTIVE, NOW)).isEmpty();
        windows.record(CANARY, NOW - 10, 1_000_000, true, 0, 0);
        assertThat(windows.breach(canary(guards), ACTIVE, NOW)).get().asString().startsWith("error rate 1.000");
    }

    @Test
    void aSlowCanaryBreachesTheLatencyGuardAndAFastOneDoesNot() {
        RolloutState.Guards guards = new RolloutState.Guards(null, 2.0, null, null, 50, 30);
        answered(ACTIVE, 200, 10, 0);
        answered(CANARY, 100, 19, 0);
        assertThat(windows.breach(canary(guards), ACTIVE, NOW)).isEmpty();
        answered(CANARY, 100, 25, 0);
        assertThat(windows.breach(canary(guards), ACTIVE, NOW)).get().asString()
                .startsWith("p99 latency 25.0 ms over 200 requests > 2.00 x active 10.0 ms");
    }

    @Test
    void abstentionsAndCorrectionsAreComparedWithTheActiveVersion() {
        RolloutState.Guards abstaining = new RolloutState.Guards(null, null, 0.1, null, 50, 30);
        answered(ACTIVE, 100, 1, 10);  // 10% abstain
        answered(CANARY, 100, 1, 5);   // 20%: exactly the limit, not over it
        assertThat(windows.breach(canary(abstaining), ACTIVE, NOW)).isEmpty();
        answered(CANARY, 100, 1, 2);   // now 35% over 200
        assertThat(windows.breach(canary(abstaining), ACTIVE, NOW)).get().asString().startsWith("abstention rate 0.350");

        RolloutState.Guards corrected = new RolloutState.Guards(null, null, null, 0.1, 50, 30);
        for (int i = 0; i < 30; i++) {
            windows.corrected(CANARY, NOW - 5);
        }
        windows.corrected(ACTIVE, NOW - 5);
        assertThat(windows.breach(canary(corrected), ACTIVE, NOW)).get().asString()
                .isEqualTo("correction rate 0.150 > active 0.010 + 0.100");
    }

    @Test
    void outcomesOutsideTheWindowDoNotCount() {
        RolloutState.Guards guards = new RolloutState.Guards(0.05, null, null, null, 10, 5);
        for (int i = 0; i < 100; i++) {
            windows.record(CANARY, NOW - 10_000, 1_000_000, true, 0, 0); // 10 s ago, window 5 s
        }
        answered(CANARY, 20, 1, 0);
        assertThat(windows.breach(canary(guards), ACTIVE, NOW)).isEmpty();
    }
}
