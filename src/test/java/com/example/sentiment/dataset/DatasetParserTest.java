package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
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
        return parsed.rows().stream().map(DatasetReader.Row::text).toList();
    }

    @Test
    void readsRfc4180CsvWithQuotedCommasQuotesAndLineBreaks() {
        DatasetParser.Parsed parsed = parse("d.csv", "\uFEFFlabel,text\r\n"
                + "positive,\"good, really \"\"good\"\"\"\r\n"
                + "negative,\"two\nlines\"\r\n"
                + "negative,plain\n");
        assertThat(parsed.format()).isEqualTo(FileFormat.CSV);
        assertThat(texts(parsed)).containsExactly("good, really \"good\"", "two\nlines", "plain");
        assertThat(parsed.rows().get(2).line()).isEqualTo(5);
        assertThat(parsed.rows()).extracting(DatasetReader.Row::label).containsExactly("positive", "negative", "negative");
    }

    @Test
    void readsTsvAndJsonLinesAndDetectsThemWithoutAnExtension() {
        DatasetParser.Parsed tsv = parse("upload", "text\tlabel\na, b\tpositive\nc\tnegative\n");
        assertThat(tsv.format()).isEqualTo(FileFormat.TSV);
        assertThat(texts(tsv)).containsExactly("a, b", "c");
        DatasetParser.Parsed jsonl = parse("upload", "{\"text\":\"fine\",\"label\":\"positive\"}\n\n"
                + "{\"label\":1,\"text\":\"x\",\"extra\":true}\n");
        assertThat(jsonl.format()).isEqualTo(FileFormat.JSONL);
        assertThat(jsonl.rows()).extracting(DatasetReader.Row::label).containsExactly("positive", "1");
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
        // a file without line breaks is one huge header; the answer names a few of its columns, not all
        assertThatThrownBy(() -> parse("d.csv", "review,".repeat(50_000) + "stars"))
                .hasMessageContaining("no column 'text'").hasMessageContaining("(50001 in all)")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(1000));
    }

    @Test
    void refusesALabelWithAControlCharacterNamingItsLine() {
        // a label is one line of labels.txt in versions of earlier releases: a line break in one made them unloadable
        assertThatThrownBy(() -> parse("d.csv", "text,label\ngood,positive\nbad,\"nega\ntive\"\n"))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("line 3").hasMessageContaining("control character");
        assertThatThrownBy(() -> parse("d.tsv", "text\tlabel\ngood\tpos\u0007itive\n"))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("line 2").hasMessageContaining("control character");
        assertThatThrownBy(() -> parse("d.jsonl", "{\"text\":\"a\",\"label\":\"b\"}\n{\"text\":\"a\",\"label\":\"x\\u2028y\"}\n"))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("line 2").hasMessageContaining("control character");
        // surrounding white space, line breaks included, is still stripped as before
        assertThat(parse("d.csv", "text,label\ngood,\"positive\n\"\n").rows().get(0).label()).isEqualTo("positive");
    }

    @Test
    void refusesBinaryOrBrokenTextWhereverItIsInTheStream() {
        // far past the first buffers, so the stream is being read when the bytes turn bad
        String rows = "text,label\n" + "fine text,positive\n".repeat(20_000);
        DatasetParser big = new DatasetParser(JsonMapper.builder().build(), 100_000);
        byte[] invalid = bytes(rows, new byte[] {(byte) 0xff, (byte) 0xfe}, ",negative\n");
        assertThatThrownBy(() -> big.parse("data", invalid, "d.csv", "text", "label"))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("not UTF-8");
        byte[] nul = bytes(rows, new byte[] {'a', 0, 'b'}, ",negative\n");
        assertThatThrownBy(() -> big.parse("data", nul, "d.csv", "text", "label"))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("NUL characters");
        assertThatThrownBy(() -> parse("d.csv", "text,label\nok,positive\n\"quoted\"tail,negative\n"))
                .hasMessageContaining("line 3: unexpected text after a quoted field");
    }

    /** Text with raw bytes in the middle. */
    private static byte[] bytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
