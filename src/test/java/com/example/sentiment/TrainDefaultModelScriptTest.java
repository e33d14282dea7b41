package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A user's clone has no {@code ../shared} folder: the rebuild script takes the SST-2 folder as its argument,
 * says where SST-2 comes from, and neither it nor the README points outside the repository.
 */
class TrainDefaultModelScriptTest {

    private static final Path SCRIPT = Path.of("scripts/train-default-model.sh");

    @Test
    void noPathOutsideTheRepository() throws Exception {
        for (Path file : new Path[] {SCRIPT, Path.of("README.md"), Path.of("models/README.md")}) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain("../shared");
        }
        assertThat(Files.readString(SCRIPT)).contains("GLUE", "Stanford Sentiment Treebank", "Licence");
    }

    @Test
    void withoutADatasetFolderItStopsAtOnceAndSaysWhatItNeeds() throws Exception {
        assertThat(run()).startsWith("usage: scripts/train-default-model.sh DATASET_DIR").contains("train.csv");
        assertThat(run("/nonexistent-sst2")).contains("no /nonexistent-sst2/train.csv");
    }

    /** Runs the script with an empty environment variable SST2_DIR; answers what it printed, after it failed. */
    private static String run(String... arguments) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
        builder.command().addAll(java.util.List.of(arguments));
        builder.environment().remove("SST2_DIR");
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        return output;
    }
}
