package com.example.sentiment;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Binds {@link SentimentProperties} from a few entries, defaults for the rest, as Spring does. */
public final class TestProperties {

    private TestProperties() {
    }

    /**
     * Points a Spring test at its own models folder and at a vectors folder without vectors, so that it never
     * sees the bundled model or the developer's GloVe cache.
     */
    public static void isolatedStorage(DynamicPropertyRegistry registry, Path models) {
        registry.add("sentiment.models-dir", models::toString);
        registry.add("sentiment.vectors-dir", () -> models.resolve("no-vectors").toString());
    }

    public static SentimentProperties of(Map<String, String> entries) {
        return new Binder(new MapConfigurationPropertySource(entries)).bindOrCreate("sentiment", SentimentProperties.class);
    }
}
