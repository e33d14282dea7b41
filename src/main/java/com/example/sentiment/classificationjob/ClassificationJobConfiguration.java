package com.example.sentiment.classificationjob;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.ProcessAddress;
import com.example.sentiment.system.S3Clients;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires classification jobs: the stores, chosen by {@code sentiment.classification-jobs.store} (unset, by
 * {@code sentiment.queue.type}): this process's disk ({@link FileSystemClassificationJobs}, the embedded default,
 * which needs no server), or the scale-out mode's PostgreSQL records ({@link PostgresClassificationJobRecords})
 * with the files in the object store ({@link S3ClassificationJobFiles}); the runner (started once the application is
 * ready, so that it takes up unfinished jobs when the models are there; stopped, leaving its job to go on, when
 * the application closes) and the sweep that deletes ended jobs after {@code retention}.
 */
@Configuration(proxyBeanMethods = false)
class ClassificationJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClassificationJobConfiguration.class);

    private static final String STORE = "sentiment.classification-jobs.store";

    /** Both ports on this process's disk. */
    /**
     * The scale-out store: chosen by {@code sentiment.classification-jobs.store=postgres}, or, when that is unset,
     * by the scale-out mode itself: the PostgreSQL queue ({@code sentiment.queue.type=postgres}) with the models
     * in the object store ({@code sentiment.storage.type=s3}), whose bucket then holds the jobs' files too. A
     * PostgreSQL queue with models on disk keeps the jobs on disk, as before.
     */
    static final class Shared implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return chosen(context.getEnvironment());
        }

        static boolean chosen(PropertyResolver environment) {
            String own = environment.getProperty(STORE);
            if (own != null && !own.isBlank()) {
                return "postgres".equalsIgnoreCase(own.strip());
            }
            return "postgres".equalsIgnoreCase(environment.getProperty("sentiment.queue.type", "local").strip())
                    && "s3".equalsIgnoreCase(environment.getProperty("sentiment.storage.type", "filesystem").strip());
        }
    }

    /** The embedded store: whenever the shared one is not chosen. */
    static final class Embedded implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !Shared.chosen(context.getEnvironment());
        }
    }

    @Bean
    @Conditional(Embedded.class)
    FileSystemClassificationJobs classificationJobStore(SentimentProperties properties, JsonMapper json) {
        return FileSystemClassificationJobs.of(properties, json);
    }

    @Bean
    @Conditional(Shared.class)
    PostgresClassificationJobRecords classificationJobRecords(JdbcTemplate postgresJdbc, JsonMapper json,
                                                              SentimentProperties properties) {
        return new PostgresClassificationJobRecords(postgresJdbc, json, properties.queue().lease());
    }

    @Bean(destroyMethod = "close")
    @Conditional(Shared.class)
    S3ClassificationJobFiles classificationJobFiles(SentimentProperties properties) {
        SentimentProperties.Storage.S3 s3 = properties.storage().s3();
        if (s3.bucket() == null || s3.bucket().isBlank()) {
            throw new IllegalStateException("classification jobs in PostgreSQL (" + STORE + "=postgres) keep their "
                    + "files in the object store: set sentiment.storage.s3.bucket (and endpoint, keys)");
        }
        S3ClassificationJobFiles files = new S3ClassificationJobFiles(S3Clients.connect(s3), s3.bucket(),
                properties.classificationJobs().s3Prefix(), properties.classificationJobsDir().resolve("spool"));
        try {
            files.ensureBucket();
        } catch (IOException e) {
            // a replica must start while the store is briefly away; jobs' calls fail until it is back
            log.error("Cannot reach the bucket of classification jobs: {}", e.getMessage());
        }
        return files;
    }

    @Bean(destroyMethod = "stop")
    ClassificationJobRunner classificationJobRunner(ClassificationJobRecords records, ClassificationJobFiles files,
                                                    JobInference inference, JsonMapper json,
                                                    SentimentProperties properties, Environment environment) {
        return new ClassificationJobRunner(records, files, inference, json, properties.classificationJobs().commitRows(),
                Clock.systemUTC(), workerName(properties, environment), properties.queue().lease(),
                properties.queue().pollInterval());
    }

    /** {@code sentiment.queue.worker-name}, else this process's address (as training workers name themselves). */
    private static String workerName(SentimentProperties properties, Environment environment) {
        String configured = properties.queue().workerName();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return ProcessAddress.of(environment) + " (pid " + ProcessHandle.current().pid() + ")";
    }

    @Bean
    ClassificationJobService classificationJobService(ClassificationJobRecords records, ClassificationJobFiles files,
                                                      ClassificationJobRunner runner, JobInference inference,
                                                      JsonMapper json, SentimentProperties properties) {
        return new ClassificationJobService(records, files, runner, inference, json, properties, Clock.systemUTC());
    }

    /** Starts the runner and the sweep once the service is ready. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService classificationJobSweep() {
        return Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("classification-job-sweep"));
    }

    @EventListener(ApplicationReadyEvent.class)
    void start(ApplicationReadyEvent event) {
        var context = event.getApplicationContext();
        context.getBean(ClassificationJobRunner.class).start();
        ClassificationJobService service = context.getBean(ClassificationJobService.class);
        long every = context.getBean(SentimentProperties.class).classificationJobs().sweepInterval().toMillis();
        context.getBean("classificationJobSweep", ScheduledExecutorService.class).scheduleWithFixedDelay(() -> {
            try {
                service.sweep();
            } catch (RuntimeException e) {
                log.warn("The sweep of expired classification jobs failed: {}", e.toString());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }
}
