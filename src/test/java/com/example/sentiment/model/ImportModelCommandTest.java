package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.BundledModel;
import com.example.sentiment.SentimentApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code import-model} seeds a repository from a models folder: the bundled version arrives verified and
 * active, a second run changes nothing, and a corrupt version is skipped with its reason. Run here against
 * the file-system adapter; the S3 adapter is the same port ({@code scripts/cluster-local.sh} uses it).
 */
class ImportModelCommandTest {

    @TempDir
    Path dir;

    private JsonNode run(Path from, Path target, String... extra) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int status;
        try {
            String[] args = Stream.concat(Stream.of("--from=" + from, "--sentiment.models-dir=" + target,
                    "--sentiment.vectors-dir=" + dir.resolve("none"), "--logging.level.root=WARN"), Stream.of(extra))
                    .toArray(String[]::new);
            status = ImportModelCommand.run(SentimentApplication.class, args);
        } finally {
            System.setOut(original);
        }
        assertThat(status).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        return JsonMapper.builder().build().readTree(lines[lines.length - 1]);
    }

    private Path copyOfBundled() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        BundledModel.copyTo(source);
        return source;
    }

    @Test
    void importsTheActiveVersionVerifiedAndActivatesItOnlyWhenNoneIsActive() throws Exception {
        Path source = copyOfBundled();
        String id = Files.readString(source.resolve("active")).trim();
        Path target = dir.resolve("target");

        JsonNode first = run(source, target, "--activate");
        assertThat(first.get("imported").get(0).asString()).isEqualTo(id);
        assertThat(first.get("active").asString()).isEqualTo(id);
        assertThat(Files.readString(target.resolve("active")).trim()).startsWith(id);
        assertThat(target.resolve(id).resolve("metadata.json")).exists();

        JsonNode again = run(source, target, "--activate");
        assertThat(again.get("imported").size()).isZero();
        assertThat(again.get("alreadyPresent").get(0).asString()).isEqualTo(id);
        assertThat(again.get("generation").asLong()).isEqualTo(first.get("generation").asLong());
    }

    @Test
    void aVersionWhoseFilesDoNotMatchTheirChecksumsIsSkippedWithItsReason() throws Exception {
        Path source = copyOfBundled();
        String id = Files.readString(source.resolve("active")).trim();
        Files.writeString(source.resolve(id).resolve("labels.txt"), "tampered\n");
        Path target = dir.resolve("target");

        JsonNode result = run(source, target);
        assertThat(result.get("imported").size()).isZero();
        assertThat(result.get("skipped").get(id).asString()).contains("checksum");
        assertThat(target.resolve(id)).doesNotExist();
    }
}
