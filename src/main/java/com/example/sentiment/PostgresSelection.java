package com.example.sentiment;

import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which features keep their data in PostgreSQL: each by its own setting, which defaults to the mode switch
 * {@code sentiment.queue.type}. Read from the environment, not the bound {@link SentimentProperties}: conditions
 * are decided before any bean exists.
 */
final class PostgresSelection implements Condition {

    /** The mode switch, and the queue's own setting. */
    static final String MODE = "sentiment.queue.type";
    /** Every feature's setting; the database is set up when any of them chooses it. */
    static final List<String> SETTINGS = List.of(MODE, "sentiment.storage.pointer", "sentiment.feedback.store",
            "sentiment.classification-jobs.store");

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnPostgres.class.getName());
        if (attributes == null) {
            return false;
        }
        return chosen(context.getEnvironment(), (String) attributes.get("value")) == (boolean) attributes.get("chosen");
    }

    /** Whether {@code setting} (or, when it is unset, the mode switch) is {@code postgres}. */
    static boolean chosen(PropertyResolver environment, String setting) {
        String own = environment.getProperty(setting);
        String value = own != null && !own.isBlank() ? own : environment.getProperty(MODE, "local");
        return "postgres".equalsIgnoreCase(value.trim());
    }

    /** Whether any feature keeps its data in PostgreSQL. */
    static boolean anyChosen(PropertyResolver environment) {
        return SETTINGS.stream().anyMatch(setting -> chosen(environment, setting));
    }

    /** The condition of the database itself: some feature chose it. */
    static final class Needed implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return anyChosen(context.getEnvironment());
        }
    }
}
