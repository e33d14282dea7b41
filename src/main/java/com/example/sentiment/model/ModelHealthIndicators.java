package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ActiveVersionPointer.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Health of the model side: {@code activeModel} (part of the readiness group) is UP while a version is loaded
 * and warmed up, also while a switch to the version the pointer names is pending or failing (both versions
 * are in its details); {@code modelStore} reports the storage and the free space on its local directory,
 * DOWN below {@code sentiment.health.min-free-disk} or when the last storage call failed. Neither calls a
 * remote server, so a stalled object store never makes a health check wait.
 */
@Configuration(proxyBeanMethods = false)
class ModelHealthIndicators {

    @Bean
    HealthIndicator activeModelHealthIndicator(ModelService models) {
        return () -> {
            Health.Builder health = models.active()
                    .map(m -> Health.up().withDetail("version", m.id()).withDetail("labels", m.classifier().labels()))
                    .orElseGet(() -> models.startupDone()
                            ? Health.down().withDetail("reason", "no active model: train one or activate a stored version")
                            : Health.outOfService().withDetail("reason", "the active model is loading"));
            models.loadedVersion().ifPresent(v -> health.withDetail("loadedVersion", v.modelId())
                    .withDetail("loadedGeneration", v.generation()));
            models.desiredVersion().ifPresent(v -> health.withDetail("desiredVersion", v.modelId())
                    .withDetail("desiredGeneration", v.generation()));
            boolean pending = models.desiredVersion().map(Pointer::modelId)
                    .filter(d -> !models.loadedVersion().map(Pointer::modelId).filter(d::equals).isPresent()).isPresent();
            if (pending && models.lastLoadFailure() != null) {
                health.withDetail("desiredVersionProblem", models.lastLoadFailure());
            }
            return health.build();
        };
    }

    @Bean
    HealthIndicator modelStoreHealthIndicator(ModelRepository repository, ModelService models,
                                              SentimentProperties properties) {
        DataSize minimum = properties.health().minFreeDisk();
        return () -> {
            ModelRepository.Location location = repository.location();
            Path directory = location.localDirectory();
            long free;
            try {
                free = Files.getFileStore(Files.exists(directory) ? directory : directory.getParent()).getUsableSpace();
            } catch (IOException e) {
                return Health.down().withDetail("reason", "cannot read the models volume: " + e.getMessage()).build();
            }
            Health.Builder health = free < minimum.toBytes() || location.problem() != null ? Health.down() : Health.up();
            if (location.problem() != null) {
                health.withDetail("reason", location.problem());
            }
            // a detail cannot be null: before the first version is active there is no activeVersion to show
            models.active().ifPresent(active -> health.withDetail("activeVersion", active.id()));
            return health.withDetail("storage", location.description())
                    .withDetail("directory", directory.toString())
                    .withDetail("versions", location.versions())
                    .withDetail("unusableVersions", location.unusableVersions())
                    .withDetail("freeBytes", free)
                    .withDetail("minFreeBytes", minimum.toBytes())
                    .build();
        };
    }
}
