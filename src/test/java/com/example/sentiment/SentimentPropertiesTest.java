package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/** The properties tree binds and validates as the service's start does, defaults included. */
class SentimentPropertiesTest {

    private static SentimentProperties bound(Map<String, String> entries) {
        ValidationBindHandler validation = new ValidationBindHandler(new SpringValidatorAdapter(
                Validation.buildDefaultValidatorFactory().getValidator()));
        return new Binder(new MapConfigurationPropertySource(entries))
                .bindOrCreate("sentiment", Bindable.of(SentimentProperties.class), validation);
    }

    @Test
    void theDefaultsPassTheirOwnValidation() {
        // a default list written as one comma-separated string bound as one name, which its pattern refused:
        // the packaged service did not start
        assertThat(bound(Map.of()).training().autoEncoderNames()).containsExactly("e5-small");
    }

    @Test
    void autoEncodersAreAListAndNoneLeavesThemOut() {
        assertThat(bound(Map.of("sentiment.training.auto-encoders", "e5-small,minilm-l6")).training()
                .autoEncoderNames()).containsExactly("e5-small", "minilm-l6");
        assertThat(bound(Map.of("sentiment.training.auto-encoders", "none")).training().autoEncoderNames()).isEmpty();
        assertThatThrownBy(() -> bound(Map.of("sentiment.training.auto-encoders", "e5-small,../x")))
                .isInstanceOf(BindException.class);
    }

    @Test
    void aSecondHeadTrainsAlongsideOnlyWithACoreToSpareForEveryJob() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(bound(Map.of()).training().trainsSecondHeadAlongside()).isEqualTo(cores >= 2);
        // each job trains on its workers' cores and needs one more
        assertThat(bound(Map.of("sentiment.training.concurrent-jobs", String.valueOf(cores))).training()
                .trainsSecondHeadAlongside()).isFalse();
        assertThat(bound(Map.of("sentiment.training.workers", String.valueOf(cores))).training()
                .trainsSecondHeadAlongside()).isFalse();
        assertThat(bound(Map.of("sentiment.training.second-head-alongside", "false")).training()
                .trainsSecondHeadAlongside()).isFalse();
    }

    @Test
    void aTeacherLabelsOnTheCoresSharedAmongTheJobsAndOnAtLeastAJobsWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(bound(Map.of()).training().labellingThreads()).isEqualTo(cores);
        assertThat(bound(Map.of("sentiment.training.concurrent-jobs", String.valueOf(2 * cores))).training()
                .labellingThreads()).isEqualTo(1);
        assertThat(bound(Map.of("sentiment.training.workers", String.valueOf(cores + 3))).training()
                .labellingThreads()).isEqualTo(cores + 3);
    }
}
