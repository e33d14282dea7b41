package com.example.sentiment;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Registers a feature's adapter by the feature's own setting: its PostgreSQL adapter when the setting is
 * {@code postgres}, its embedded one otherwise. A feature whose setting is unset follows the mode switch
 * {@code sentiment.queue.type}, so that one setting still moves the queue, the pointer and the corrections
 * together, and each can be moved on its own.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(PostgresSelection.class)
public @interface ConditionalOnPostgres {

    /** The feature's setting, such as {@code sentiment.feedback.store}. */
    String value();

    /** True for the PostgreSQL adapter, false for the embedded one (registered when PostgreSQL is not chosen). */
    boolean chosen() default true;
}
