package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.WordVectorTable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A job that names no vectors starts from the default vectors file when the vectors directory has one, as
 * on a fresh clone after the build fetched GloVe; here a tiny generated file stands in for it.
 */
class DefaultWordVectorsFlowTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(Path vectorsDir) {
        return new SpringApplicationBuilder(SentimentApplication.class).run("--server.port=0",
                "--sentiment.models-dir=" + dir.resolve("models"), "--sentiment.vectors-dir=" + vectorsDir);
    }

    @Test
    void aJobStartsFromTheDefaultVectorsAndTheStatusNamesThem() throws Exception {
        Path vectors = dir.resolve("vectors");
        java.nio.file.Files.createDirectories(vectors);
        Map<String, float[]> table = new LinkedHashMap<>();
        Random random = new Random(3);
        for (String word : List.of("good", "great", "bad", "awful", "film", "plot", "absent-from-the-corpus")) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            table.put(word, v);
        }
        WordVectorTable.write(vectors.resolve("glove-100d.vec"), table);

        try (ConfigurableApplicationContext app = start(vectors)) {
            ServiceClient client = ServiceClient.of(app);
            JsonNode status = client.get("/api/v1/status").json().get("wordVectors");
            assertThat(status.get("available").asBoolean()).isTrue();
            assertThat(status.get("words").asInt()).isEqualTo(7);

            JsonNode job = client.train(TestCorpus.csv(200, 4), TinyModel.jobConfig(2));
            assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
            JsonNode model = client.get("/api/v1/models/" + job.get("modelId").asString()).json();
            assertThat(model.get("wordVectorsCovered").asInt()).isEqualTo(6);
            assertThat(model.get("hyperParameters").get("wordVectors").asString()).isEqualTo("glove-100d.vec");
            assertThat(model.get("hyperParameters").get("embeddingSize").asInt()).isEqualTo(8);
            JsonNode active = client.get("/api/v1/status").json().get("activeModel");
            assertThat(active.get("accuracyMeasuredOn").asString()).matches("validation split \\(\\d+ examples, duplicates removed\\)");
            assertThat(active.get("accuracyStandardError").asDouble()).isBetween(0.0, 0.5);
        }
    }

    @Test
    void withoutVectorsTheStatusSaysJobsTrainRandomEmbeddings() throws Exception {
        try (ConfigurableApplicationContext app = start(dir.resolve("no-vectors"))) {
            ServiceClient client = ServiceClient.of(app);
            JsonNode status = client.get("/api/v1/status").json().get("wordVectors");
            assertThat(status.get("available").asBoolean()).isFalse();
            assertThat(status.get("problem").asString()).contains("random embeddings");
            JsonNode job = client.train(TestCorpus.csv(200, 4), TinyModel.jobConfig(1));
            JsonNode model = client.get("/api/v1/models/" + job.get("modelId").asString()).json();
            assertThat(model.get("wordVectorsCovered").isNull()).isTrue();
        }
    }
}
