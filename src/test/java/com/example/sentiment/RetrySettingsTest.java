package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/** The back-off of every retried call is a typed setting whose defaults are the waits the service always used. */
class RetrySettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SentimentProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    private static List<Long> waits(BackOff backOff, int count) {
        BackOffExecution execution = backOff.start();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waits.add(execution.nextBackOff());
        }
        return waits;
    }

    @Test
    void theDefaultsDoubleFromTheFirstWaitUpToTheLongest() {
        context.run(c -> {
            SentimentProperties.Retry retry = c.getBean(SentimentProperties.class).retry();
            assertThat(waits(retry.jobClaim().backOff(), 7)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L,
                    30000L, 30000L);
            assertThat(waits(retry.modelStore().backOff(), 5)).containsExactly(1000L, 2000L, 4000L, 8000L, 8000L);
            assertThat(waits(retry.queueWrite().backOff(), 6)).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 4000L);
            assertThat(waits(retry.pointerListen().backOff(), 5)).containsExactly(500L, 1000L, 2000L, 4000L, 5000L);
            assertThat(waits(retry.modelLoad().backOff(), 8)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L,
                    32000L, 60000L, 60000L);
            assertThat(retry).isEqualTo(SentimentProperties.Retry.defaults());
        });
    }

    @Test
    void aPartSetAloneKeepsTheOtherDefaults() {
        context.withPropertyValues("sentiment.retry.model-store.max-delay=3s", "sentiment.retry.job-claim.multiplier=3")
                .run(c -> {
                    SentimentProperties.Retry retry = c.getBean(SentimentProperties.class).retry();
                    assertThat(retry.modelStore()).isEqualTo(new SentimentProperties.RetryBackOff(Duration.ofSeconds(1),
                            Duration.ofSeconds(3), 2.0));
                    assertThat(waits(retry.jobClaim().backOff(), 5)).containsExactly(1000L, 3000L, 9000L, 27000L, 30000L);
                });
    }

    @Test
    void anImpossibleBackOffRefusesToStart() {
        context.withPropertyValues("sentiment.retry.queue-write.delay=5s", "sentiment.retry.queue-write.max-delay=1s")
                .run(c -> assertThat(c).getFailure().rootCause().hasMessageContaining("shorter than delay"));
        context.withPropertyValues("sentiment.retry.queue-write.multiplier=0.5")
                .run(c -> assertThat(c).getFailure().rootCause().hasMessageContaining("at least 1"));
    }
}
