package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A training worker whose model store cannot be reached when it publishes tries again instead of failing a job
 * that trained: here the store refuses the first two writes as unreachable (as the S3 adapter reports a server
 * that does not answer), and the job still SUCCEEDS with exactly one version, written by the third try.
 */
class StoreRetryFlowTest {

    static final AtomicInteger SAVES = new AtomicInteger();
    static Path models;

    @TempDir
    Path dir;

    /** The file-system store, unreachable for its first two writes. */
    @Configuration
    static class UnreachableAtFirst {
        @Bean
        @Primary
        ModelRepository unreachableAtFirst(JsonMapper json) {
            FileSystemModelRepository real = new FileSystemModelRepository(models, json);
            // every call goes to the real store; only save is refused at first
            return new DelayedLoads(real, Duration.ZERO) {
                @Override
                public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata,
                                          java.util.Map<String, byte[]> files) throws IOException {
                    if (SAVES.incrementAndGet() <= 2) {
                        throw new StorageUnreachableException("cannot write: the store does not answer", null);
                    }
                    return super.save(classifier, metadata, files);
                }
            };
        }
    }

    @Test
    void aJobWhoseStoreIsUnreachableForAMomentStillSucceedsWithOneVersion() throws Exception {
        models = dir.resolve("models");
        SAVES.set(0);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class,
                UnreachableAtFirst.class).run("--server.port=0", "--sentiment.models-dir=" + models,
                "--sentiment.vectors-dir=" + dir.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            JsonNode job = client.train(TestCorpus.csv(120, 3), TinyModel.jobConfig(1));
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(SAVES.get()).as("two unreachable tries, then the write").isEqualTo(3);
            JsonNode listed = client.get("/api/v1/models").json();
            assertThat(listed.size()).isEqualTo(1);
            assertThat(listed.get(0).get("id").asString()).isEqualTo(job.get("modelId").asString());
        }
    }
}
