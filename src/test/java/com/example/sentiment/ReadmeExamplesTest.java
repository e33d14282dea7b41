package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the examples of the README and {@code docs/} without a running service, and the reading
 * rules that {@link ReadmeExamplesIT} applies to them.
 */
class ReadmeExamplesTest {

    private static final String OK = null;

    @Test
    void aHeaderAPageShowsIsOneTheCommandPrints() throws Exception {
        List<Path> pages = ReadmeExamples.pages(Path.of(""));
        assertThat(pages).contains(Path.of("README.md"), Path.of("docs/api.md"));
        int all = 0;
        for (Path page : pages) {
            List<ReadmeExamples.Example> examples = ReadmeExamples.read(page);
            all += examples.size();
            for (ReadmeExamples.Example example : examples) {
                // every comment's JSON must be readable by the IT's rules
                ReadmeExamples.Expectation expectation = example.expectation();
                if (!expectation.headers().isEmpty()) {
                    assertThat(example.command()).as("%s line %d shows %s, which curl prints only with -i",
                            page, example.line(), expectation.headers()).containsPattern("\\s-(i|\\w*i\\w*)\\s");
                }
            }
        }
        assertThat(all).as("curl examples in the README and docs/").isGreaterThan(10);
    }

    @Test
    void commandsContinueOverQuotesAndBackslashesAndTheirCommentsFollowThem() {
        List<ReadmeExamples.Example> examples = ReadmeExamples.parse(List.of(
                "```sh",
                "curl -s http://localhost:8080/v2   # {\"a\":1}",
                "curl -s -d '{\"id\":\"1\",",
                "  \"x\":\"# not a comment\"}' \\",
                "     http://localhost:8080/infer",
                "# 201 Created, Location: /x",
                "# {\"b\":[1,...]}",
                "```",
                "<!-- readme-test: skip (a container) -->",
                "```sh",
                "curl -s http://localhost:8080/skipped",
                "```",
                "```sh",
                "curl -s \"$LB/api\"",
                "```"));
        assertThat(examples).extracting(ReadmeExamples.Example::line).containsExactly(2, 3);
        assertThat(examples.get(0).comment()).containsExactly("{\"a\":1}");
        assertThat(examples.get(1).command()).endsWith("http://localhost:8080/infer").contains("# not a comment");
        assertThat(examples.get(1).comment()).containsExactly("201 Created, Location: /x", "{\"b\":[1,...]}");
        assertThat(examples.get(1).expectation().statuses()).containsExactly(201);
        assertThat(examples.get(1).expectation().headers()).containsExactly("Location");
        assertThat(examples.get(0).isRead()).isTrue();
        assertThat(examples.get(1).isRead()).isFalse();
    }

    @Test
    void answersAreComparedByTheFieldsAndThePrecisionShown() {
        ReadmeExamples.Expectation shown = ReadmeExamples.Expectation.of(List.of(
                "{\"modelId\":\"m-1\",\"confidence\":0.985,...,\"abstained\":false,",
                " \"id\":\"20261202-043208-827-630f99d3\",\"createdAt\":\"2026-12-02T04:32:08.827Z\",",
                " \"job\":\"<job id>\",\"tokens\":[\"a\",...],\"history\":[...]}"));
        String answer = "{\"modelId\":\"m-1\",\"confidence\":0.98547,\"extra\":1,\"abstained\":false,"
                + "\"id\":\"20270101-000000-000-abcdef01\",\"createdAt\":\"2027-01-01T00:00:00Z\","
                + "\"job\":\"j-9\",\"tokens\":[\"a\",\"b\"],\"history\":[]}";
        assertThat(shown.mismatch(200, answer)).isEqualTo(OK);
        assertThat(shown.mismatch(200, answer.replace("0.98547", "0.9856"))).contains("$.confidence");
        assertThat(shown.mismatch(200, answer.replace("m-1", "m-2"))).contains("$.modelId");
        assertThat(shown.mismatch(200, answer.replace("\"abstained\":false,", ""))).contains("no field abstained");
        assertThat(shown.mismatch(200, answer.replace("abcdef01", "abcdef012"))).contains("$.id");
        assertThat(shown.mismatch(404, answer)).contains("status 404");
        assertThat(shown.mismatch(200, "HTTP/1.1 200 \r\nA: b\r\n\r\n" + answer)).isEqualTo(OK);

        ReadmeExamples.Expectation closed = ReadmeExamples.Expectation.of(List.of("{\"a\":1,\"b\":[1,2]}"));
        assertThat(closed.mismatch(200, "{\"a\":1,\"b\":[1,2],\"c\":3}")).contains("field c");
        assertThat(closed.mismatch(200, "{\"a\":1,\"b\":[1,2,3]}")).contains("$.b");

        ReadmeExamples.Expectation illustrative = ReadmeExamples.Expectation.of(List.of(
                "e.g. {\"state\":\"RUNNING\",\"progress\":{\"epoch\":2,...},...}"));
        assertThat(illustrative.mismatch(200, "{\"state\":\"SUCCEEDED\",\"progress\":{\"epoch\":5},\"x\":1}"))
                .isEqualTo(OK);
        assertThat(illustrative.mismatch(200, "{\"state\":\"SUCCEEDED\",\"progress\":null}")).contains("progress");

        ReadmeExamples.Expectation status = ReadmeExamples.Expectation.of(List.of("200 (503 when not live)"));
        assertThat(status.mismatch(200, "200")).isEqualTo(OK);
        assertThat(status.mismatch(503, "503")).contains("status 503");
        ReadmeExamples.Expectation either = ReadmeExamples.Expectation.of(List.of("200 or 409: the job may have finished"));
        assertThat(either.mismatch(409, "409")).isEqualTo(OK);
        assertThat(either.mismatch(200, "200")).isEqualTo(OK);
        assertThat(either.mismatch(404, "404")).contains("status 404", "200 or 409");
        assertThat(ReadmeExamples.Expectation.of(List.of("stop it")).mismatch(409, "{}")).contains("2xx");
    }
}
