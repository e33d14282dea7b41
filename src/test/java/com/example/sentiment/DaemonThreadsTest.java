package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The service's background threads: daemons, with the names a thread dump shows. */
class DaemonThreadsTest {

    @Test
    void namedThreadsAreDaemonsThatCarryTheName() {
        var threads = DaemonThreads.named("model-follower");
        Thread first = threads.newThread(() -> { });
        Thread second = threads.newThread(() -> { });

        assertThat(first.isDaemon()).isTrue();
        assertThat(second.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("model-follower");
        assertThat(second.getName()).isEqualTo("model-follower");
    }

    @Test
    void numberedThreadsAreDaemonsCountedFromOne() {
        var threads = DaemonThreads.numbered("teacher-labelling-");
        Thread first = threads.newThread(() -> { });
        Thread second = threads.newThread(() -> { });

        assertThat(first.isDaemon()).isTrue();
        assertThat(second.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("teacher-labelling-1");
        assertThat(second.getName()).isEqualTo("teacher-labelling-2");
    }
}
