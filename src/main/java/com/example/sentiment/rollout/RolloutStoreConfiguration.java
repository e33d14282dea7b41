package com.example.sentiment.rollout;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The file {@code rollout.json} is the rollout store unless {@code sentiment.storage.pointer} (or, when that is
 * unset, {@code sentiment.queue.type}) is {@code postgres}: the rollout state goes where the active pointer goes.
 */
@Configuration(proxyBeanMethods = false)
class RolloutStoreConfiguration {

    @Bean
    @ConditionalOnPostgres(value = "sentiment.storage.pointer", chosen = false)
    RolloutStore fileSystemRolloutStore(SentimentProperties properties) {
        return new FileSystemRolloutStore(properties.modelsDir());
    }
}
