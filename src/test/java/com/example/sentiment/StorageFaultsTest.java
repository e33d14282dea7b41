package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A model version that cannot be written - the disk is full, or the file system is read-only - fails its job
 * with the operating system's reason, leaves no temporary folder and changes nothing already stored; the
 * service keeps classifying and trains again once there is room. The models directory is a real, small tmpfs
 * (tests run as root, so permissions alone would not stop a write); where mounting is not permitted the test
 * is skipped and says so.
 */
class StorageFaultsTest {

    @TempDir
    static Path parent;

    static Path models;
    static ConfigurableApplicationContext app;
    static ServiceClient client;

    static final String CONFIG = TinyModel.jobConfig(2);

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        boolean ok = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!ok) {
            System.err.println(String.join(" ", command) + ": " + output);
        }
        return ok;
    }

    @BeforeAll
    static void mountASmallFileSystem() throws Exception {
        models = Files.createDirectories(parent.resolve("models"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", models.toString()),
                "mounting a tmpfs needs root with CAP_SYS_ADMIN: storage faults not tested here");
        app = new SpringApplicationBuilder(SentimentApplication.class).run("--server.port=0",
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + parent.resolve("no-vectors"),
                // job records on another volume: a job whose record cannot be written is refused (503) before
                // it trains, and this test is about the model's files
                "--sentiment.data-dir=" + parent.resolve("data"),
                "--sentiment.health.min-free-disk=0");
        client = ServiceClient.of(app);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (app != null) {
            app.close();
        }
        if (models != null) {
            run("umount", models.toString());
        }
    }

    private static List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(models)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aVersionThatCannotBeWrittenFailsItsJobAndChangesNothing() throws Exception {
        JsonNode first = client.train(TestCorpus.csv(200, 8), CONFIG);
        assertThat(first.get("state").asString()).isEqualTo("SUCCEEDED");
        String kept = first.get("modelId").asString();
        Path version = models.resolve(kept);
        Map<String, Double> answer = client.scores("a wonderful film");
        byte[] keptModel = Files.readAllBytes(version.resolve("model.zip"));

        // the disk is full
        Path filler = models.resolve("filler");
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(64 * 1024);
            while (true) {
                block.clear();
                channel.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        JsonNode noSpace = client.train(TestCorpus.csv(200, 9), CONFIG);
        assertThat(noSpace.get("state").asString()).isEqualTo("FAILED");
        assertThat(noSpace.get("error").asString()).contains("could not store the model", "No space left on device");
        assertThat(noSpace.get("error").asString()).as("the job's error is readable through the API: no paths")
                .doesNotContain(models.toString());
        assertThat(entries()).containsExactlyInAnyOrder("active", "filler", kept);
        Files.delete(filler);

        // the file system is read-only
        assertThat(run("mount", "-o", "remount,ro", models.toString())).isTrue();
        try {
            JsonNode readOnly = client.train(TestCorpus.csv(200, 10), CONFIG);
            assertThat(readOnly.get("state").asString()).isEqualTo("FAILED");
            assertThat(readOnly.get("error").asString()).contains("could not store the model", "Read-only file system");
            assertThat(readOnly.get("error").asString()).doesNotContain(models.toString());
        } finally {
            assertThat(run("mount", "-o", "remount,rw", models.toString())).isTrue();
        }

        // nothing stored changed, the service still answers the same, and trains again once it can write
        assertThat(entries()).containsExactlyInAnyOrder("active", kept);
        assertThat(Files.readAllBytes(version.resolve("model.zip"))).isEqualTo(keptModel);
        assertThat(client.get("/api/v1/models").json().size()).isEqualTo(1);
        assertThat(client.scores("a wonderful film")).isEqualTo(answer);
        assertThat(client.train(TestCorpus.csv(200, 11), CONFIG).get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(client.get("/api/v1/models").json().size()).isEqualTo(2);
    }
}
