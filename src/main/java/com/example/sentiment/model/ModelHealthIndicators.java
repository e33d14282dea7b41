package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import java.io.IOException;
import java.nio.file.Files;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Health of the model side: {@code activeModel} (part of the readiness group) is UP only when the active
 * version is loaded and warmed up; {@code modelStore} reports the versions and the free space on the models
 * volume, DOWN below {@code sentiment.health.min-free-disk}.
 */
@Configuration(proxyBeanMethods = false)
class ModelHealthIndicators {

    @Bean
    HealthIndicator activeModelHealthIndicator(ModelService models) {
        return () -> models.active()
                .map(m -> Health.up().withDetail("version", m.id()).withDetail("labels", m.classifier().labels()).build())
                .orElseGet(() -> models.startupDone()
                        ? Health.down().withDetail("reason", "no active model: train one or activate a stored version").build()
                        : Health.outOfService().withDetail("reason", "the active model is loading").build());
    }

    @Bean
    HealthIndicator modelStoreHealthIndicator(ModelStore store, ModelService models, SentimentProperties properties) {
        DataSize minimum = properties.health().minFreeDisk();
        return () -> {
            long free;
            try {
                free = Files.getFileStore(store.root()).getUsableSpace();
            } catch (IOException e) {
                return Health.down().withDetail("reason", "cannot read the models volume: " + e.getMessage()).build();
            }
            Health.Builder health = free < minimum.toBytes() ? Health.down() : Health.up();
            java.util.List<StoredModel> versions = store.list();
            return health.withDetail("directory", store.root().toString())
                    .withDetail("activeVersion", models.active().map(ModelService.LoadedModel::id).orElse(null))
                    .withDetail("versions", versions.size())
                    .withDetail("unusableVersions", versions.stream().filter(v -> !v.usable()).count())
                    .withDetail("freeBytes", free)
                    .withDetail("minFreeBytes", minimum.toBytes())
                    .build();
        };
    }
}
