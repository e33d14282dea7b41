package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Which store the jobs get: the embedded one by default and with a PostgreSQL queue alone; the shared one in the
 * scale-out mode (PostgreSQL queue and S3 models) or when {@code sentiment.classification-jobs.store} says so,
 * which also wins over the mode.
 */
class ClassificationJobStoreSelectionTest {

    @Configuration(proxyBeanMethods = false)
    static class Stores {
        @Bean
        @Conditional(ClassificationJobConfiguration.Shared.class)
        String shared() {
            return "postgres+s3";
        }

        @Bean
        @Conditional(ClassificationJobConfiguration.Embedded.class)
        String embedded() {
            return "filesystem";
        }
    }

    private String chosen(String... properties) {
        String[] store = new String[1];
        new ApplicationContextRunner().withUserConfiguration(Stores.class).withPropertyValues(properties)
                .run(context -> {
                    assertThat(context).hasSingleBean(String.class);
                    store[0] = context.getBean(String.class);
                });
        return store[0];
    }

    @Test
    void theModeChoosesUnlessTheSettingDoes() {
        assertThat(chosen()).isEqualTo("filesystem");
        assertThat(chosen("sentiment.queue.type=postgres")).as("models on disk: jobs stay on disk").isEqualTo("filesystem");
        assertThat(chosen("sentiment.storage.type=s3")).isEqualTo("filesystem");
        assertThat(chosen("sentiment.queue.type=postgres", "sentiment.storage.type=s3")).isEqualTo("postgres+s3");
        assertThat(chosen("sentiment.queue.type=postgres", "sentiment.storage.type=s3",
                "sentiment.classification-jobs.store=filesystem")).isEqualTo("filesystem");
        assertThat(chosen("sentiment.classification-jobs.store=POSTGRES")).isEqualTo("postgres+s3");
    }
}
