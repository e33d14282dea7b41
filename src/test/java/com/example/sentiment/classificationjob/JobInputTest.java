package com.example.sentiment.classificationjob;

import com.example.sentiment.dataset.FileFormat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.ml.Prediction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Reading a job's rows in each format, and writing results that read back as they were written. */
class JobInputTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private List<JobInput.Row> rows(String content, FileFormat format, String column) throws IOException {
        List<JobInput.Row> rows = new ArrayList<>();
        try (JobInput input = JobInput.open(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), format,
                column, json)) {
            JobInput.Row row;
            while ((row = input.next()) != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void formatsAreToldByNameElseByTheFirstLine() {
        assertThat(FileFormat.detect("a.TSV", "x,y")).isEqualTo(FileFormat.TSV);
        assertThat(FileFormat.detect("a.ndjson", "id,text")).isEqualTo(FileFormat.JSONL);
        assertThat(FileFormat.detect(null, "  {\"text\":\"x\"}")).isEqualTo(FileFormat.JSONL);
        assertThat(FileFormat.detect("upload", "id\ttext")).isEqualTo(FileFormat.TSV);
        assertThat(FileFormat.detect("upload", "id,text")).isEqualTo(FileFormat.CSV);
    }

    @Test
    void tsvWithAByteOrderMarkAndCsvWithQuotedLineBreaksGiveTheirRowsIdsAndLines() throws IOException {
        List<JobInput.Row> tsv = rows("\uFEFFtext\tid\ngood film\tA\nbad \"film\"\tB\n", FileFormat.TSV, "text");
        assertThat(tsv).containsExactly(new JobInput.Row(1, 2, "A", "good film", null),
                new JobInput.Row(2, 3, "B", "bad \"film\"", null));
        List<JobInput.Row> csv = rows("text,n\n\"two\nlines\",1\nnext,2\n", FileFormat.CSV, "text");
        assertThat(csv).containsExactly(new JobInput.Row(1, 2, "1", "two\nlines", null),
                new JobInput.Row(2, 4, "2", "next", null));
    }

    @Test
    void jsonLinesTakeIdsOfAnyScalarTypeAndNameTheRowsThatCannotBeRead() throws IOException {
        List<JobInput.Row> rows = rows("{\"id\":17,\"body\":\"good\"}\n{\"body\":5}\n[1]\n", FileFormat.JSONL, "body");
        assertThat(rows.get(0)).isEqualTo(new JobInput.Row(1, 1, "17", "good", null));
        assertThat(rows.get(1).problem()).isEqualTo("no string field 'body'");
        assertThat(rows.get(2).problem()).isEqualTo("not a JSON object");
        assertThatThrownBy(() -> rows("\n\n", FileFormat.JSONL, "text")).hasMessageContaining("empty");
        assertThatThrownBy(() -> rows("", FileFormat.CSV, "text")).hasMessageContaining("empty");
    }

    @Test
    void resultLinesQuoteWhatCsvAndJsonNeedQuoted() throws IOException {
        Prediction p = new Prediction("pos,itive", 0.75, Map.of("neg", 0.25, "pos,itive", 0.75), 3, true);
        List<String> labels = List.of("neg", "pos,itive");
        StringBuilder csv = new StringBuilder(ResultFormat.CSV.header(labels));
        ResultFormat.CSV.line(csv, "a \"b\", c", p, labels);
        List<JobInput.Row> back = rows(csv.toString().replace("id,label", "id,text"), FileFormat.CSV, "text");
        assertThat(back).containsExactly(new JobInput.Row(1, 2, "a \"b\", c", "pos,itive", null));
        assertThat(csv.toString()).startsWith("id,label,score_neg,\"score_pos,itive\",truncated\n")
                .endsWith(",0.250000,0.750000,true\n");

        StringBuilder jsonl = new StringBuilder();
        ResultFormat.JSONL.line(jsonl, "x\"\n\u0001", p, labels);
        var node = json.readTree(jsonl.toString());
        assertThat(node.get("id").asString()).isEqualTo("x\"\n\u0001");
        assertThat(node.get("scores").get("pos,itive").asDouble()).isEqualTo(0.75);
        assertThat(node.get("truncated").asBoolean()).isTrue();
    }
}
