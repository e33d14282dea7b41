package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each feature picks its adapter by its own setting, which follows {@code sentiment.queue.type} when unset. */
class PostgresSelectionTest {

    /** One bean per feature and adapter, registered as the service's adapters are. */
    @Configuration(proxyBeanMethods = false)
    static class Adapters {
        @Bean
        @ConditionalOnPostgres("sentiment.feedback.store")
        String postgresFeedback() {
            return "postgres";
        }

        @Bean
        @ConditionalOnPostgres(value = "sentiment.feedback.store", chosen = false)
        String fileSystemFeedback() {
            return "filesystem";
        }

        @Bean
        @ConditionalOnPostgres("sentiment.storage.pointer")
        Integer postgresPointer() {
            return 1;
        }

        @Bean
        @ConditionalOnPostgres(value = "sentiment.storage.pointer", chosen = false)
        Integer fileSystemPointer() {
            return 0;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SentimentProperties.class)
    static class Settings {
        @Bean
        MeterRegistry meters() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner adapters = new ApplicationContextRunner().withUserConfiguration(Adapters.class);
    private final ApplicationContextRunner database = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, PostgresConfiguration.class);

    @Test
    void everyFeatureIsEmbeddedByDefault() {
        adapters.run(context -> {
            assertThat(context.getBean(String.class)).isEqualTo("filesystem");
            assertThat(context.getBean(Integer.class)).isZero();
        });
    }

    @Test
    void theModeSwitchMovesEveryFeatureThatIsNotSet() {
        adapters.withPropertyValues("sentiment.queue.type=postgres").run(context -> {
            assertThat(context.getBean(String.class)).isEqualTo("postgres");
            assertThat(context.getBean(Integer.class)).isOne();
        });
    }

    @Test
    void aFeatureSettingOverridesTheModeSwitchEitherWay() {
        adapters.withPropertyValues("sentiment.queue.type=postgres", "sentiment.feedback.store=filesystem")
                .run(context -> {
                    assertThat(context.getBean(String.class)).isEqualTo("filesystem");
                    assertThat(context.getBean(Integer.class)).isOne();
                });
        adapters.withPropertyValues("sentiment.storage.pointer=POSTGRES").run(context -> {
            assertThat(context.getBean(String.class)).isEqualTo("filesystem");
            assertThat(context.getBean(Integer.class)).isOne();
        });
    }

    @Test
    void theDatabaseExistsOnlyWhenSomeFeatureChoosesIt() {
        database.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
        database.withPropertyValues("sentiment.feedback.store=postgres").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("needs sentiment.postgres.url")
                        .hasMessageContaining("sentiment.feedback.store"));
    }

    @Test
    void theFeatureSettingsBindAsTypedValues() {
        new ApplicationContextRunner().withUserConfiguration(Settings.class)
                .withPropertyValues("sentiment.feedback.store=postgres", "sentiment.feedback.max-entries=7")
                .run(context -> {
                    SentimentProperties properties = context.getBean(SentimentProperties.class);
                    assertThat(properties.feedback().store()).isEqualTo(SentimentProperties.StoreType.POSTGRES);
                    assertThat(properties.feedback().maxEntries()).isEqualTo(7);
                    assertThat(properties.storage().pointer()).isNull();
                });
    }
}
