package com.example.sentiment.classificationjob;

import com.example.sentiment.SentimentProperties;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires classification jobs: the stores (this process's disk), the runner (started once the application is
 * ready, so that it takes up unfinished jobs when the models are there; stopped, leaving its job to go on, when
 * the application closes) and the sweep that deletes ended jobs after {@code retention}.
 */
@Configuration(proxyBeanMethods = false)
class ClassificationJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClassificationJobConfiguration.class);

    @Bean
    FileSystemClassificationJobs classificationJobStore(SentimentProperties properties, JsonMapper json) {
        return FileSystemClassificationJobs.of(properties, json);
    }

    @Bean(destroyMethod = "stop")
    ClassificationJobRunner classificationJobRunner(FileSystemClassificationJobs store, JobInference inference,
                                                    JsonMapper json, SentimentProperties properties) {
        return new ClassificationJobRunner(store, store, inference, json, properties.classificationJobs().commitRows(),
                Clock.systemUTC());
    }

    @Bean
    ClassificationJobService classificationJobService(FileSystemClassificationJobs store, ClassificationJobRunner runner,
                                                      JobInference inference, JsonMapper json,
                                                      SentimentProperties properties) {
        return new ClassificationJobService(store, store, runner, inference, json, properties, Clock.systemUTC());
    }

    /** Starts the runner and the sweep once the service is ready. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService classificationJobSweep() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "classification-job-sweep");
            t.setDaemon(true);
            return t;
        });
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
