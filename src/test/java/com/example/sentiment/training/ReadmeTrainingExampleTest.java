package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.BundledModel;
import com.example.sentiment.SentimentApplication;
import com.example.sentiment.ServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The README's first training example as written ({@code examples/reviews.csv}, {@code {"name":"reviews",
 * "epochs":5}}, every other setting the default) against a copy of the bundled model: the new version is stored
 * and the bundled model stays active, as the README says (issue 30). It uses the build's word vectors in
 * {@code .cache/vectors} when they are there, as a fresh clone does after its first build.
 */
class ReadmeTrainingExampleTest {

    @TempDir
    Path models;

    @Test
    void theReadmesTrainingExampleLeavesTheBundledModelActive() throws Exception {
        String bundled = BundledModel.copyTo(models);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SentimentApplication.class)
                .run("--server.port=0", "--sentiment.models-dir=" + models,
                        "--sentiment.vectors-dir=" + Path.of(".cache/vectors").toAbsolutePath())) {
            ServiceClient client = ServiceClient.of(app);
            client.awaitReady();
            JsonNode job = client.train(Files.readString(Path.of("examples/reviews.csv")), "{\"name\":\"reviews\",\"epochs\":5}");
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("activate").asString()).isEqualTo("if-better");
            JsonNode promotion = job.get("promotion");
            assertThat(promotion.get("decision").asString()).as(promotion.toString()).isEqualTo("kept-active");
            assertThat(promotion.get("activeModelId").asString()).isEqualTo(bundled);
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString()).isEqualTo(bundled);

            // the job's figures are the stored version's
            JsonNode evaluation = client.get("/api/v1/models/" + job.get("modelId").asString()).json().get("evaluation");
            assertThat(job.get("metrics").get("validationAccuracy").asDouble()).isEqualTo(evaluation.get("accuracy").asDouble());
            assertThat(job.get("metrics").get("validationMacroF1").asDouble()).isEqualTo(evaluation.get("macroF1").asDouble());
        }
    }
}
