package com.example.sentiment.model;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code active} file is the pointer unless {@code sentiment.storage.pointer} (or, when that is unset,
 * {@code sentiment.queue.type}) is {@code postgres}.
 */
@Configuration(proxyBeanMethods = false)
class ActiveVersionPointerConfiguration {

    @Bean
    @ConditionalOnPostgres(value = "sentiment.storage.pointer", chosen = false)
    ActiveVersionPointer fileSystemActiveVersionPointer(SentimentProperties properties) {
        return new FileSystemActiveVersionPointer(properties);
    }
}
