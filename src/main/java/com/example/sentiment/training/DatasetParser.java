package com.example.sentiment.training;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an uploaded labelled file into rows: CSV (RFC 4180: quoted fields with embedded commas, quotes and
 * line breaks), TSV with a header, or JSON Lines. UTF-8, with or without a byte-order mark.
 *
 * <p>Rows with an empty text or label are skipped and counted; anything that makes the file's structure
 * doubtful (unbalanced quotes, a row with the wrong number of fields, a line that is not a JSON object)
 * refuses the file with the line numbers, because guessing would train on the wrong data.
 */
final class DatasetParser {

    /** The formats the service reads. */
    enum Format {
        CSV, TSV, JSONL
    }

    /** One usable row; {@code line} is the 1-based line where it starts. */
    record Row(int line, String text, String label) {
    }

    /** What a file held. */
    record Parsed(Format format, List<Row> rows, int rowsRead, Map<String, Integer> skipped) {
    }

    private static final int MAX_ERRORS = 10;

    private final JsonMapper json;
    private final int maxRows;

    DatasetParser(JsonMapper json, int maxRows) {
        this.json = json;
        this.maxRows = maxRows;
    }

    Parsed parse(String part, byte[] bytes, String filename, String textColumn, String labelColumn) {
        String content = decode(part, bytes);
        if (content.isBlank()) {
            throw InvalidDatasetException.of(part, "the file is empty");
        }
        Format format = detect(filename, content);
        Collector collector = new Collector(part, maxRows);
        switch (format) {
            case JSONL -> parseJsonLines(content, textColumn, labelColumn, collector);
            case CSV -> parseDelimited(CsvReader.records(content, ',', true, collector), textColumn, labelColumn, collector);
            case TSV -> parseDelimited(CsvReader.records(content, '\t', false, collector), textColumn, labelColumn, collector);
        }
        collector.failIfErrors();
        return new Parsed(format, collector.rows, collector.read, collector.skipped);
    }

    private static String decode(String part, byte[] bytes) {
        int offset = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw InvalidDatasetException.of(part, "the file is not UTF-8 text (is it a binary file or another encoding?)");
        }
        if (content.indexOf('\0') >= 0) {
            throw InvalidDatasetException.of(part, "the file contains NUL characters: it looks like a binary file, "
                    + "not CSV, TSV or JSON Lines");
        }
        return content;
    }

    static Format detect(String filename, String content) {
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Format.JSONL;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return Format.TSV;
        }
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        String trimmed = content.stripLeading();
        if (trimmed.startsWith("{")) {
            return Format.JSONL;
        }
        int eol = trimmed.indexOf('\n');
        String header = eol < 0 ? trimmed : trimmed.substring(0, eol);
        return header.indexOf('\t') >= 0 && header.indexOf(',') < 0 ? Format.TSV : Format.CSV;
    }

    private void parseDelimited(List<CsvReader.Record> records, String textColumn, String labelColumn,
                                Collector collector) {
        if (records.isEmpty()) {
            collector.error("the file has no header row");
            return;
        }
        List<String> header = records.get(0).fields();
        int textIndex = columnIndex(header, textColumn);
        int labelIndex = columnIndex(header, labelColumn);
        if (textIndex < 0 || labelIndex < 0) {
            String missing = textIndex < 0 ? textColumn : labelColumn;
            collector.error("no column '" + missing + "' in the header (columns: " + String.join(", ", header)
                    + "); name the columns with 'textColumn' and 'labelColumn' in the config");
            return;
        }
        for (int r = 1; r < records.size(); r++) {
            CsvReader.Record record = records.get(r);
            if (record.fields().size() == 1 && record.fields().get(0).isBlank()) {
                continue;
            }
            if (record.fields().size() != header.size()) {
                collector.error("line " + record.line() + ": expected " + header.size() + " fields, found "
                        + record.fields().size());
                continue;
            }
            collector.add(record.line(), record.fields().get(textIndex), record.fields().get(labelIndex));
        }
    }

    private void parseJsonLines(String content, String textField, String labelField, Collector collector) {
        int line = 0;
        int start = 0;
        while (start <= content.length() && !collector.tooMany()) {
            int end = content.indexOf('\n', start);
            if (end < 0) {
                end = content.length();
            }
            line++;
            String text = content.substring(start, end).strip();
            start = end + 1;
            if (text.isEmpty()) {
                if (end == content.length()) {
                    break;
                }
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(text);
            } catch (JacksonException e) {
                collector.error("line " + line + ": not valid JSON");
                continue;
            }
            if (node == null || !node.isObject()) {
                collector.error("line " + line + ": not a JSON object");
                continue;
            }
            collector.add(line, scalar(node.get(textField)), scalar(node.get(labelField)));
        }
    }

    private static String scalar(JsonNode node) {
        return node == null || node.isNull() || node.isContainer() ? null : node.asString();
    }

    private static int columnIndex(List<String> header, String column) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** Accumulates rows, skip reasons and errors of one file. */
    static final class Collector {
        private final String part;
        private final int maxRows;
        private final List<Row> rows = new ArrayList<>();
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private final List<String> errors = new ArrayList<>();
        private int read;
        private int errorCount;

        Collector(String part, int maxRows) {
            this.part = part;
            this.maxRows = maxRows;
        }

        void add(int line, String text, String label) {
            read++;
            if (read > maxRows) {
                if (read == maxRows + 1) {
                    error("more than " + maxRows + " rows: the limit is sentiment.training.max-rows");
                }
                return;
            }
            if (text == null || text.isBlank()) {
                skipped.merge("empty text", 1, Integer::sum);
            } else if (label == null || label.isBlank()) {
                skipped.merge("empty label", 1, Integer::sum);
            } else {
                rows.add(new Row(line, text, label.strip()));
            }
        }

        void error(String message) {
            errorCount++;
            if (errors.size() < MAX_ERRORS) {
                errors.add(message);
            }
        }

        boolean tooMany() {
            return read > maxRows || errorCount > 1000;
        }

        void failIfErrors() {
            if (errors.isEmpty()) {
                return;
            }
            List<String> report = new ArrayList<>(errors);
            if (errorCount > errors.size()) {
                report.add("... and " + (errorCount - errors.size()) + " more");
            }
            throw InvalidDatasetException.of(part, report);
        }
    }
}
