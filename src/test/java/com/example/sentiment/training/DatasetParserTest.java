package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DatasetParserTest {

    private final DatasetParser parser = new DatasetParser(JsonMapper.builder().build(), 100);

    private DatasetParser.Parsed parse(String name, String content) {
        return parser.parse("data", content.getBytes(StandardCharsets.UTF_8), name, "text", "label");
    }

    private static List<String> texts(DatasetParser.Parsed parsed) {
        return parsed.rows().stream().map(DatasetParser.Row::text).toList();
    }

    @Test
    void readsRfc4180CsvWithQuotedCommasQuotesAndLineBreaks() {
        DatasetParser.Parsed parsed = parse("d.csv", "\uFEFFlabel,text\r\n"
                + "positive,\"good, really \"\"good\"\"\"\r\n"
                + "negative,\"two\nlines\"\r\n"
                + "negative,plain\n");
        assertThat(parsed.format()).isEqualTo(DatasetParser.Format.CSV);
        assertThat(texts(parsed)).containsExactly("good, really \"good\"", "two\nlines", "plain");
        assertThat(parsed.rows().get(2).line()).isEqualTo(5);
        assertThat(parsed.rows()).extracting(DatasetParser.Row::label).containsExactly("positive", "negative", "negative");
    }

    @Test
    void readsTsvAndJsonLinesAndDetectsThemWithoutAnExtension() {
        DatasetParser.Parsed tsv = parse("upload", "text\tlabel\na, b\tpositive\nc\tnegative\n");
        assertThat(tsv.format()).isEqualTo(DatasetParser.Format.TSV);
        assertThat(texts(tsv)).containsExactly("a, b", "c");
        DatasetParser.Parsed jsonl = parse("upload", "{\"text\":\"fine\",\"label\":\"positive\"}\n\n"
                + "{\"label\":1,\"text\":\"x\",\"extra\":true}\n");
        assertThat(jsonl.format()).isEqualTo(DatasetParser.Format.JSONL);
        assertThat(jsonl.rows()).extracting(DatasetParser.Row::label).containsExactly("positive", "1");
    }

    @Test
    void skipsEmptyRowsAndCountsWhy() {
        DatasetParser.Parsed parsed = parse("d.csv", "text,label\n,positive\nok,\nfine,negative\n\n");
        assertThat(texts(parsed)).containsExactly("fine");
        assertThat(parsed.rowsRead()).isEqualTo(3);
        assertThat(parsed.skipped()).containsEntry("empty text", 1).containsEntry("empty label", 1);
    }

    @Test
    void refusesBrokenStructureWithLineNumbers() {
        assertThatThrownBy(() -> parse("d.csv", "text,label\na,positive\nb,negative,x\nc\n"))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("line 3: expected 2 fields, found 3").hasMessageContaining("line 4");
        assertThatThrownBy(() -> parse("d.csv", "text,label\n\"a,positive\n"))
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> parse("d.jsonl", "{\"text\":\"a\",\"label\":\"b\"}\n[1,2]\n{oops\n"))
                .hasMessageContaining("line 2: not a JSON object").hasMessageContaining("line 3: not valid JSON");
        assertThatThrownBy(() -> parse("d.csv", "text,label\n" + "x,y\n".repeat(101)))
                .hasMessageContaining("more than 100 rows");
    }
}
