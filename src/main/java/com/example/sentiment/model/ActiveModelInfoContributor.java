package com.example.sentiment.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Adds the served model version, and the one the pointer names, to {@code /actuator/info}. */
@Component
class ActiveModelInfoContributor implements InfoContributor {

    private final ModelService models;

    ActiveModelInfoContributor(ModelService models) {
        this.models = models;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> active = new LinkedHashMap<>();
        models.active().ifPresent(m -> {
            active.put("id", m.id());
            active.put("labels", m.metadata().labels());
            active.put("createdAt", m.metadata().createdAt());
        });
        models.loadedVersion().ifPresent(v -> active.put("generation", v.generation()));
        models.desiredVersion().ifPresent(v -> active.put("desiredVersion", v.modelId()));
        builder.withDetail("activeModel", active.isEmpty() ? null : active);
    }
}
