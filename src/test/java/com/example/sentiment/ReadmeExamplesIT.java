package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs the curl examples of the README and of every page under {@code docs/} ({@code docs/api.md} holds most),
 * page by page and in the order each page shows them, against the packaged jar, and checks that each answers what
 * its comment shows. The service runs on a free port with a temporary copy of the bundled model ({@code models/})
 * as its models folder and a temporary data folder, so nothing is written into the checkout; the commands run
 * with bash in a temporary folder, so {@code > corrections.csv} lands there too.
 * <p>
 * The convention, for whoever writes an example:
 * <ul>
 *   <li>Every {@code ```sh} block with a {@code curl} command for {@code http://localhost:8080} runs, unless the
 *       line before its fence holds {@code <!-- readme-test: skip (why) -->}. The container and cluster blocks
 *       call other addresses and are not run.</li>
 *   <li>An example is one command; a trailing {@code \} or an open quote continues it on the next line. Its
 *       comment is the {@code # ...} at its end and the {@code #} lines below it.</li>
 *   <li>A comment that starts with a status ({@code # 409 ...}, {@code # 201 Created, Location: ...}) is the
 *       answer's status; otherwise the answer must be a 2xx. A header shown after the status
 *       ({@code Location: ...}) must be printed by the command (so it needs {@code -i}).</li>
 *   <li>JSON in the comment (from the first comment line that starts with {@code {} or {@code [}) is compared
 *       with the body printed: every field shown must be there, and an object without {@code ...} must show all
 *       its fields; an array without {@code ...} all its items. Strings are equal, except placeholders such as
 *       {@code <job id>}, timestamps (any timestamp) and {@code "id"} values (any id of that layout); numbers are
 *       equal to the precision shown (0.985 stands for 0.9845 to 0.9855); {@code ...} as a value stands for
 *       anything. {@code # e.g. {...}} shows an answer whose values vary (a running job): only its fields are
 *       checked.</li>
 *   <li>In a command, {@code <job id>} is the job that the last example started, {@code <model id>} the active
 *       version. A page starts no job for another: {@code <job id>} before that page's first example that starts
 *       a training or classification job fails the test. A file uploaded with {@code -F data=@FILE} is taken from the repository (a missing one
 *       fails the test, naming it).</li>
 *   <li>A GET whose answer does not match yet is repeated for up to two minutes, as a reader would look at a
 *       job again until it has finished.</li>
 * </ul>
 */
class ReadmeExamplesIT {

    private static final Pattern UPLOAD = Pattern.compile("=@([^\\s;'\"]+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z][a-z ]*>");
    private static final Duration REPEAT_READS_FOR = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private PackagedService service;
    private String page;
    private String lastJobId;
    private final List<String> jobsOfThePage = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyCurlExampleOfTheReadmeAndTheDocsAnswersWhatThePageShows() throws Exception {
        Path repository = Path.of("").toAbsolutePath();
        Map<String, List<ReadmeExamples.Example>> pages = new LinkedHashMap<>();
        for (Path file : ReadmeExamples.pages(repository)) {
            pages.put(repository.relativize(file).toString(), ReadmeExamples.read(file));
        }
        assertThat(pages.get("README.md")).as("curl examples in README.md").hasSizeGreaterThanOrEqualTo(3);
        assertThat(pages.get("docs/api.md")).as("curl examples in docs/api.md").hasSizeGreaterThan(10);
        Path cwd = Files.createDirectories(work.resolve("cwd"));
        for (Map.Entry<String, List<ReadmeExamples.Example>> examples : pages.entrySet()) {
            page = examples.getKey();
            for (ReadmeExamples.Example example : examples.getValue()) {
                copyUploads(example, repository, cwd);
            }
        }
        Path models = seededModels(repository.resolve("models"), work.resolve("models"));
        service = PackagedService.start(models, work.resolve("service.log"),
                List.of("--sentiment.data-dir=" + work.resolve("data")));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                service.client().get("/actuator/health/readiness").status() == 200);

        for (Map.Entry<String, List<ReadmeExamples.Example>> examples : pages.entrySet()) {
            page = examples.getKey();
            lastJobId = null;
            for (ReadmeExamples.Example example : examples.getValue()) {
                check(example, cwd);
            }
            cancelTheJobsOfThePage();
        }
    }

    /**
     * A page's jobs are cancelled before the next page runs, so that its jobs start at once, as they would for a
     * reader who follows that page alone (one job trains at a time; the README's job would otherwise hold the
     * queue for the whole configuration search).
     */
    private void cancelTheJobsOfThePage() throws Exception {
        for (String job : jobsOfThePage) {
            String jobs = job.startsWith("cj-") ? "/api/v1/classification-jobs/" : "/api/v1/training-jobs/";
            int status = service.client().post(jobs + job + "/cancel", null, new byte[0]).status();
            assertThat(status).as("cancelling job %s of %s", job, page).isIn(200, 409);
        }
        jobsOfThePage.clear();
    }

    /** Runs one example and checks its answer; a read that does not match yet is repeated for a while. */
    private void check(ReadmeExamples.Example example, Path cwd) throws Exception {
        String command = substitute(example);
        ReadmeExamples.Expectation expected = example.expectation();
        Run run = run(command, cwd);
        String mismatch = expected.mismatch(run.status(), run.output());
        if (mismatch != null && example.isRead()) {
            await().atMost(REPEAT_READS_FOR).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Run again = run(command, cwd);
                assertThat(expected.mismatch(again.status(), again.output()))
                        .as(describe(example, again)).isNull();
            });
        } else {
            assertThat(mismatch).as(describe(example, run)).isNull();
        }
        rememberJob(command, run);
        System.out.printf("%s line %d: answered %s as shown%n", page, example.line(), run.status());
    }

    private String describe(ReadmeExamples.Example example, Run run) {
        return page + " line " + example.line() + ":\n" + example.command() + "\n# " + String.join("\n# ",
                example.comment()) + "\nanswered " + run.status() + ":\n" + run.output();
    }

    /** A copy of the bundled versions and the pointer, without anything a running service left there. */
    private static Path seededModels(Path bundled, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(bundled)) {
            for (Path file : files.toList()) {
                Path relative = bundled.relativize(file);
                boolean hidden = false;
                for (Path part : relative) {
                    hidden |= part.toString().startsWith(".");
                }
                Path copy = target.resolve(relative.toString());
                if (hidden) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        return target;
    }

    private void copyUploads(ReadmeExamples.Example example, Path repository, Path cwd) throws IOException {
        Matcher m = UPLOAD.matcher(example.command());
        while (m.find()) {
            Path source = repository.resolve(m.group(1)).normalize();
            if (!Files.isRegularFile(source)) {
                fail(page + " line " + example.line() + " uploads " + m.group(1) + ", which the repository does "
                        + "not have (" + source + "): a reader following " + page + " could not run it");
            }
            Path copy = cwd.resolve(m.group(1)).normalize();
            Files.createDirectories(copy.getParent());
            Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String substitute(ReadmeExamples.Example example) throws Exception {
        String command = example.command().replace("http://localhost:8080", service.client().base());
        if (command.contains("<job id>")) {
            assertThat(lastJobId).as("%s line %d uses <job id> before an example of that page started a job",
                    page, example.line()).isNotNull();
            command = command.replace("<job id>", lastJobId);
        }
        if (command.contains("<model id>")) {
            JsonNode active = service.client().get("/api/v1/status").json().get("activeModel");
            command = command.replace("<model id>", active.get("id").asString());
        }
        Matcher left = PLACEHOLDER.matcher(command);
        if (left.find()) {
            fail(page + " line " + example.line() + " uses " + left.group() + ", which this test cannot fill in");
        }
        return command;
    }

    private void rememberJob(String command, Run run) {
        if ((command.contains("/api/v1/training-jobs") || command.contains("/api/v1/classification-jobs"))
                && command.contains("-F ") && run.status() == 202) {
            lastJobId = ServiceClient.JSON.readTree(ReadmeExamples.body(run.output())).get("id").asString();
            jobsOfThePage.add(lastJobId);
        }
    }

    /** What a command printed and the status of the last answer curl received. */
    private record Run(Integer status, String output) {
    }

    /** Runs one command with bash; curl is wrapped so that it also writes the headers it received to a file. */
    private Run run(String command, Path cwd) throws Exception {
        Path headers = work.resolve("headers");
        Files.deleteIfExists(headers);
        String script = "curl() { command curl --max-time 60 -D \"$README_TEST_HEADERS\" \"$@\"; }\n" + command + "\n";
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(cwd.toFile())
                .redirectErrorStream(true);
        builder.environment().put("README_TEST_HEADERS", headers.toString());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + command);
        }
        Integer status = null;
        if (Files.exists(headers)) {
            for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
                Matcher m = Pattern.compile("^HTTP/\\S+\\s+(\\d{3})").matcher(line);
                if (m.find()) {
                    status = Integer.valueOf(m.group(1));
                }
            }
        }
        return new Run(status, new String(output, StandardCharsets.UTF_8));
    }
}
