package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job stopped in the middle of its file (its runner gone as a process would be, after three committed chunks,
 * with half a chunk written after the last commit) and taken up by a new runner on the same folder: the results
 * hold every input id exactly once, in the input's order.
 */
class ClassificationJobResumeTest {

    @TempDir
    Path dir;

    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aJobResumedAfterAStopMidFileAnswersEveryRowExactlyOnce() throws Exception {
        int rows = 100;
        int commitRows = 8;
        SentimentProperties properties = ClassificationJobServiceTest.properties(dir, commitRows);
        StringBuilder csv = new StringBuilder("id,text\n");
        List<String> texts = ClassificationJobServiceTest.texts(rows);
        for (int i = 0; i < rows; i++) {
            csv.append("row-").append(i).append(",\"").append(texts.get(i).replace("\"", "\"\"")).append("\"\n");
        }

        // the first process: three chunks committed, then it stops while classifying the fourth
        TinyJobInference first = new TinyJobInference();
        CountDownLatch inFourthChunk = new CountDownLatch(1);
        first.beforeChunk = chunk -> {
            if (chunk == 3) {
                inFourthChunk.countDown();
                new CountDownLatch(1).await();
            }
        };
        FileSystemClassificationJobs store = FileSystemClassificationJobs.of(properties, json);
        ClassificationJobRunner runner = new ClassificationJobRunner(store, store, first, json, commitRows, Clock.systemUTC());
        ClassificationJobService service = new ClassificationJobService(store, store, runner, first, json, properties,
                Clock.systemUTC());
        runner.start();
        String id = service.submit(ClassificationJobServiceTest.upload("in.csv", csv.toString()), null, null, "csv").id();
        inFourthChunk.await();
        runner.stop();
        assertThat(store.find(id).orElseThrow().state()).isEqualTo(ClassificationJob.State.RUNNING);
        assertThat(store.checkpoint(id).rows()).isEqualTo(3L * commitRows);

        // what a crash leaves: part of a chunk written after the last commit
        Path results = properties.classificationJobsDir().resolve(id).resolve("results");
        long committed = store.checkpoint(id).bytes();
        assertThat(Files.size(results)).isEqualTo(committed);
        Files.writeString(results, "row-24,positive,0.1,0.9,false\nrow-25,neg", StandardOpenOption.APPEND);

        // the next process takes it up from its checkpoint
        TinyJobInference second = new TinyJobInference();
        FileSystemClassificationJobs reopened = FileSystemClassificationJobs.of(properties, json);
        ClassificationJobRunner next = new ClassificationJobRunner(reopened, reopened, second, json, commitRows,
                Clock.systemUTC());
        ClassificationJobService nextService = new ClassificationJobService(reopened, reopened, next, second, json,
                properties, Clock.systemUTC());
        next.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> nextService.get(id).state().equals("SUCCEEDED"));
        } finally {
            next.stop();
        }
        assertThat(second.chunks.get()).as("chunks classified after the restart").isEqualTo((rows - 24 + 7) / 8);

        String out;
        try (InputStream in = nextService.results(id).stream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).startsWith("id,label,");
        assertThat(lines.stream().filter(l -> l.startsWith("id,")).count()).as("one header").isEqualTo(1);
        Map<String, Integer> seen = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String rowId = line.substring(0, line.indexOf(','));
            seen.merge(rowId, 1, Integer::sum);
            order.add(rowId);
            assertThat(line.split(",")).as(line).hasSize(5);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            expected.add("row-" + i);
        }
        assertThat(order).as("every id exactly once, in the input's order").isEqualTo(expected);
        assertThat(seen.values()).allMatch(n -> n == 1);
        assertThat(nextService.get(id).progress().rowsDone()).isEqualTo(rows);
    }
}
