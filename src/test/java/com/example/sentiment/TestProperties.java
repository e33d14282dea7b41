package com.example.sentiment;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binds {@link SentimentProperties} from a few entries, defaults for the rest, as Spring does. */
public final class TestProperties {

    private TestProperties() {
    }

    public static SentimentProperties of(Map<String, String> entries) {
        return new Binder(new MapConfigurationPropertySource(entries)).bindOrCreate("sentiment", SentimentProperties.class);
    }
}
