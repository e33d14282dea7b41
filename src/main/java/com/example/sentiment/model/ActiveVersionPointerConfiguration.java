package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code active} file is the pointer unless another adapter (the {@code postgres} one) is configured. That
 * adapter must be a scanned {@code @Component}: scanned components are registered before this method's
 * condition is evaluated, {@code @Bean} methods of other configuration classes may not be.
 */
@Configuration(proxyBeanMethods = false)
class ActiveVersionPointerConfiguration {

    @Bean
    @ConditionalOnMissingBean(ActiveVersionPointer.class)
    ActiveVersionPointer fileSystemActiveVersionPointer(SentimentProperties properties) {
        return new FileSystemActiveVersionPointer(properties);
    }
}
