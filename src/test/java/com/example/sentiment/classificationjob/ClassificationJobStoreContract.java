package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every adapter of {@link ClassificationJobRecords} and {@link ClassificationJobFiles} must do; each
 * adapter's test extends this class.
 */
abstract class ClassificationJobStoreContract {

    protected abstract ClassificationJobRecords records();

    protected abstract ClassificationJobFiles files();

    static ClassificationJob job(String id, Instant created, ClassificationJob.State state) {
        return new ClassificationJob(id, state, "m-1", "in.csv", "csv", "text", "jsonl", 10, 0, created, null, null, 0,
                null);
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void recordsAreSavedReplacedListedNewestFirstAndDeleted() {
        ClassificationJob older = job("cj-a", Instant.parse("2026-12-07T00:00:00Z"), ClassificationJob.State.QUEUED);
        ClassificationJob newer = job("cj-b", Instant.parse("2026-12-07T00:00:01Z"), ClassificationJob.State.QUEUED);
        records().save(older);
        records().save(newer);
        assertThat(records().all()).extracting(ClassificationJob::id).containsExactly("cj-b", "cj-a");

        ClassificationJob ended = older.running(Instant.parse("2026-12-07T00:00:02Z"))
                .ended(ClassificationJob.State.SUCCEEDED, 10, 1.5, Instant.parse("2026-12-07T00:00:03Z"), null);
        records().save(ended);
        assertThat(records().find("cj-a")).contains(ended);
        assertThat(records().find("cj-missing")).isEmpty();
        assertThat(records().find("../escape")).isEmpty();

        records().delete("cj-a");
        records().delete("cj-a");
        assertThat(records().find("cj-a")).isEmpty();
        assertThat(records().all()).extracting(ClassificationJob::id).containsExactly("cj-b");
    }

    @Test
    void resultsCountOnlyOnceCommittedAndAReopenedOutputDropsWhatCameAfterTheCheckpoint() throws IOException {
        files().storeInput("cj-r", new ByteArrayInputStream("text\na\nb\nc\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(read(files().openInput("cj-r"))).isEqualTo("text\na\nb\nc\n");
        assertThat(files().checkpoint("cj-r")).isEqualTo(ClassificationJobFiles.Checkpoint.START);

        try (ClassificationJobFiles.ResultOutput out = files().openOutput("cj-r", ClassificationJobFiles.Checkpoint.START)) {
            out.stream().write("h\n1\n".getBytes(StandardCharsets.UTF_8));
            assertThat(out.commit(1)).isEqualTo(new ClassificationJobFiles.Checkpoint(1, 4));
            out.stream().write("2\n".getBytes(StandardCharsets.UTF_8));
            assertThat(out.commit(2)).isEqualTo(new ClassificationJobFiles.Checkpoint(2, 6));
            out.stream().write("3-not-committed".getBytes(StandardCharsets.UTF_8));
            out.stream().flush();
        }
        assertThat(files().checkpoint("cj-r")).isEqualTo(new ClassificationJobFiles.Checkpoint(2, 6));
        assertThat(read(files().openResults("cj-r"))).isEqualTo("h\n1\n2\n");

        try (ClassificationJobFiles.ResultOutput out = files().openOutput("cj-r", files().checkpoint("cj-r"))) {
            out.stream().write("3\n".getBytes(StandardCharsets.UTF_8));
            out.commit(3);
        }
        assertThat(read(files().openResults("cj-r"))).isEqualTo("h\n1\n2\n3\n");

        files().deleteFiles("cj-r");
        files().deleteFiles("cj-r");
        assertThat(files().checkpoint("cj-r")).isEqualTo(ClassificationJobFiles.Checkpoint.START);
        assertThatThrownBy(() -> files().openInput("cj-r")).isInstanceOf(IOException.class);
    }
}
