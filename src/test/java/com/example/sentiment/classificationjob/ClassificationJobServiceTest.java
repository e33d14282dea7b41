package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.system.BadRequestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service and runner on a real folder and a tiny trained classifier: an upload checked, classified in
 * chunks and written in the input's order with the classifier's own answers; bad uploads refused before a job
 * exists; cancel; results before the end; the retention sweep.
 */
class ClassificationJobServiceTest {

    @TempDir
    Path dir;

    final JsonMapper json = JsonMapper.builder().build();
    final TinyJobInference inference = new TinyJobInference();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T00:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    FileSystemClassificationJobs store;
    ClassificationJobRunner runner;
    ClassificationJobService service;

    static SentimentProperties properties(Path dir, int commitRows) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "sentiment.models-dir", dir.resolve("models").toString(),
                "sentiment.classification-jobs.commit-rows", Integer.toString(commitRows),
                "sentiment.classification-jobs.max-rows", "1000",
                "sentiment.classify.max-text-length", "200")))
                .bind("sentiment", SentimentProperties.class).get();
    }

    @BeforeEach
    void start() {
        SentimentProperties properties = properties(dir, 7);
        store = FileSystemClassificationJobs.of(properties, json);
        runner = new ClassificationJobRunner(store, store, inference, json, 7, clock);
        service = new ClassificationJobService(store, store, runner, inference, json, properties, clock);
        runner.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        runner.stop();
    }

    static ClassificationJobService.Upload upload(String name, String content) {
        return new ClassificationJobService.Upload() {
            @Override
            public String filename() {
                return name;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(i % 2 == 0 ? "a great, wonderful film number " + i : "dull and boring, awful \"mess\" " + i);
        }
        return texts;
    }

    ClassificationJobView finished(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> service.get(id),
                v -> !v.state().equals("QUEUED") && !v.state().equals("RUNNING"));
    }

    String results(String id) throws IOException {
        try (InputStream in = service.results(id).stream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aCsvUploadIsClassifiedRowByRowInItsOrderWithTheClassifiersOwnAnswers() throws Exception {
        List<String> texts = texts(30);
        StringBuilder csv = new StringBuilder("id,text,extra\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append("r").append(i).append(",\"").append(texts.get(i).replace("\"", "\"\"")).append("\",x\n");
        }
        ClassificationJobView job = service.submit(upload("reviews.csv", csv.toString()), null, null, null);
        assertThat(job.state()).isEqualTo("QUEUED");
        assertThat(job.modelId()).isEqualTo(TinyJobInference.MODEL_ID);
        assertThat(job.progress().totalRows()).isEqualTo(30);
        assertThat(job.inputFormat()).isEqualTo("csv");

        ClassificationJobView done = finished(job.id());
        assertThat(done.state()).isEqualTo("SUCCEEDED");
        assertThat(done.progress().rowsDone()).isEqualTo(30);
        assertThat(done.results()).isEqualTo("/api/v1/classification-jobs/" + job.id() + "/results");
        assertThat(inference.chunks.get()).as("chunks of commit-rows=7").isEqualTo(5);

        List<String> lines = results(job.id()).lines().toList();
        assertThat(lines.get(0)).isEqualTo("id,label,score_negative,score_positive,truncated");
        assertThat(lines).hasSize(31);
        List<Prediction> expected = inference.classifier.classify(texts);
        for (int i = 0; i < texts.size(); i++) {
            String[] fields = lines.get(i + 1).split(",");
            assertThat(fields[0]).isEqualTo("r" + i);
            assertThat(fields[1]).isEqualTo(expected.get(i).label());
            assertThat(Double.parseDouble(fields[3])).isCloseTo(expected.get(i).scores().get("positive"),
                    org.assertj.core.data.Offset.offset(1e-6));
            assertThat(fields[4]).isEqualTo("false");
        }
    }

    @Test
    void jsonLinesWithoutIdsAreNumberedAndAnsweredAsJsonLines() throws Exception {
        String jsonl = "{\"review\":\"a great film\"}\n\n{\"review\":\"awful, dull\",\"stars\":1}\n";
        ClassificationJobView job = service.submit(upload("r.jsonl", jsonl), TinyJobInference.MODEL_ID, "review", null);
        assertThat(finished(job.id()).state()).isEqualTo("SUCCEEDED");
        List<String> lines = results(job.id()).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(json.readTree(lines.get(0)).get("id").asString()).isEqualTo("1");
        assertThat(json.readTree(lines.get(1)).get("id").asString()).isEqualTo("2");
        assertThat(json.readTree(lines.get(1)).get("scores").size()).isEqualTo(2);
        assertThat(json.readTree(lines.get(1)).get("truncated").asBoolean()).isFalse();
    }

    @Test
    void badUploadsAreRefusedBeforeAJobExists() {
        assertThatThrownBy(() -> service.submit(upload("e.csv", ""), null, null, null))
                .isInstanceOf(InvalidJobInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> service.submit(upload("e.csv", "text\n"), null, null, null))
                .isInstanceOf(InvalidJobInputException.class).hasMessageContaining("no rows");
        assertThatThrownBy(() -> service.submit(upload("e.csv", "review,label\ngood,positive\n"), null, null, null))
                .isInstanceOf(InvalidJobInputException.class).hasMessageContaining("no column 'text'");
        InvalidJobInputException rows = (InvalidJobInputException) org.assertj.core.api.Assertions.catchThrowable(
                () -> service.submit(upload("e.csv", "id,text\n1,good\n2,  \n3,a,b\n4," + "x".repeat(201) + "\n"),
                        null, null, null));
        assertThat(rows.properties().get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly("line 3: the text is empty", "line 4: expected 2 fields, found 3",
                        "line 5: the text has 201 characters, more than 200");
        assertThatThrownBy(() -> service.submit(upload("e.jsonl", "{\"text\":\"good\"}\nnot json\n"), null, null, null))
                .isInstanceOf(InvalidJobInputException.class);
        assertThatThrownBy(() -> service.submit(upload("e.csv", "text\ngood\n"), null, null, "xml"))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> service.submit(upload("e.csv", "text\n\"never closed\n"), null, null, null))
                .isInstanceOf(InvalidJobInputException.class).hasMessageContaining("unbalanced quotes");
        assertThat(service.page(0, 10).total()).isZero();
        assertThat(dir.resolve("models/.jobs/classification").toFile().list()).isNullOrEmpty();
    }

    @Test
    void aRunningJobIsCancelledWithinAChunkAndHasNoResultsThenAFinishedOneIsNotCancelledAgain() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        inference.beforeChunk = chunk -> {
            if (chunk == 1) {
                blocked.countDown();
                new CountDownLatch(1).await(); // waits until the job is interrupted
            }
        };
        StringBuilder csv = new StringBuilder("text\n");
        texts(30).forEach(t -> csv.append('"').append(t.replace("\"", "\"\"")).append("\"\n"));
        ClassificationJobView job = service.submit(upload("c.csv", csv.toString()), null, null, "jsonl");
        blocked.await();
        assertThatThrownBy(() -> service.results(job.id())).isInstanceOf(ClassificationJobStateException.class)
                .hasMessageContaining("RUNNING");
        assertThat(service.get(job.id()).progress().rowsDone()).isEqualTo(7);

        assertThat(service.cancel(job.id()).state()).isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.inLine() == 0);
        assertThat(service.get(job.id()).state()).isEqualTo("CANCELLED");
        assertThatThrownBy(() -> service.cancel(job.id())).isInstanceOf(ClassificationJobStateException.class);
        assertThatThrownBy(() -> service.results(job.id())).isInstanceOf(ClassificationJobStateException.class);
        assertThatThrownBy(() -> service.get("cj-nope")).isInstanceOf(ClassificationJobNotFoundException.class);
    }

    @Test
    void endedJobsAreDeletedOnceTheRetentionTimeHasPassed() throws Exception {
        ClassificationJobView job = service.submit(upload("a.csv", "text\ngreat\n"), null, null, null);
        finished(job.id());
        now.set(now.get().plus(Duration.ofDays(6)));
        assertThat(service.sweep()).isZero();
        assertThat(results(job.id())).contains("label");
        now.set(now.get().plus(Duration.ofDays(2)));
        assertThat(service.sweep()).isEqualTo(1);
        assertThatThrownBy(() -> service.get(job.id())).isInstanceOf(ClassificationJobNotFoundException.class);
        assertThat(Files.exists(dir.resolve("models/.jobs/classification").resolve(job.id()))).isFalse();
    }
}
