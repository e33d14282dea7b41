package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The file-system adapter against the store contract, and what a crash can leave behind. */
class FileSystemFeedbackStoreTest extends FeedbackStoreContract {

    @TempDir
    Path data;

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    @Override
    protected FeedbackStore store() {
        return reopen();
    }

    @Override
    protected FeedbackStore reopen() {
        return new FileSystemFeedbackStore(TestProperties.of(Map.of("sentiment.models-dir", data.toString())), json);
    }

    private Path dir() {
        return data.resolve(".feedback");
    }

    @Test
    void aWriteInterruptedByACrashLeavesNoCorrectionAndIsCleanedUp() throws Exception {
        FeedbackStore store = store();
        Feedback kept = feedback("kept", "positive", "m", 1);
        store.save(kept);
        // what a crash between writing and renaming leaves: a temporary file, possibly cut short
        Files.writeString(dir().resolve(".tmp-20261201-000002-000-0000abcd.json"), "{\"id\":\"20261201-0000");
        // and a record cut short by a file system that lost data
        Files.writeString(dir().resolve("20261201-000003-000-0000abcd.json"), "{\"id\":");
        FeedbackStore restarted = reopen();
        assertThat(restarted.all()).containsExactly(kept);
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-"))).isEmpty();
        }
    }

    @Test
    void nothingIsLeftOfAWriteThatFailed() throws Exception {
        FeedbackStore store = store();
        Feedback f = feedback("x", "positive", "m", 1);
        // the tests run as root, so permissions would not stop the write: a directory in the record's place does
        Files.createDirectories(dir().resolve(f.id() + ".json").resolve("occupied"));
        assertThatThrownBy(() -> store.save(f)).isInstanceOf(java.io.IOException.class);
        assertThat(store.all()).isEmpty();
        assertThat(store.find(f.id())).isEmpty();
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(f.id() + ".json");
        }
    }

    @Test
    void idsThatAreNotFeedbackIdsAreRefused() {
        Feedback escaping = new Feedback("../../etc/x", java.time.Instant.now(), "t", "l", null, null);
        assertThatThrownBy(() -> store().save(escaping)).isInstanceOf(IllegalArgumentException.class);
    }
}
