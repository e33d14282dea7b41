package com.example.sentiment.classificationjob;

import com.example.sentiment.dataset.FileFormat;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rows of a job's file, read one at a time from a stream (nothing but the current row is held): CSV (RFC 4180,
 * with a header), TSV (with a header) or JSON Lines, UTF-8 with or without a byte-order mark. Each row gives its
 * text (the column {@code textColumn}) and its id (the column {@code id} when there is one, else the row's number
 * from 1). A row whose text is missing or blank is still a row, with a {@link Row#problem()}: the upload check
 * refuses the file for it, so a job never meets one.
 */
final class JobInput implements Closeable {

    /** One row: its number (from 1), the line it starts on, id, text, and what is wrong with it (or null). */
    record Row(long number, long line, String id, String text, String problem) {
    }

    static final String ID_COLUMN = "id";

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    private static final CSVFormat TSV = CSVFormat.Builder.create().setDelimiter('\t').setQuote(null)
            .setIgnoreEmptyLines(true).get();

    private final BufferedReader reader;
    private final FileFormat format;
    private final String textColumn;
    private final JsonMapper json;
    private CSVParser csv;
    private Iterator<CSVRecord> records;
    private int textIndex = -1;
    private int idIndex = -1;
    private int columns;
    private long rows;
    private long lines;
    /** The line the last record read ended on (the parser has read ahead when asked whether there is another). */
    private long previousEnd;

    private JobInput(InputStream in, FileFormat format, String textColumn, JsonMapper json) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        this.format = format;
        this.textColumn = textColumn;
        this.json = json;
    }

    /**
     * Opens a file and reads its header (CSV, TSV).
     *
     * @throws InvalidJobInputException when the file is empty, has no header or no text column
     */
    static JobInput open(InputStream in, FileFormat format, String textColumn, JsonMapper json) throws IOException {
        JobInput input = new JobInput(in, format, textColumn, json);
        try {
            input.start();
            return input;
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    private void start() throws IOException {
        reader.mark(1);
        int first = reader.read();
        if (first != '\uFEFF' && first >= 0) {
            reader.reset();
        }
        if (format == FileFormat.JSONL) {
            return;
        }
        csv = CSVParser.builder().setReader(reader).setFormat(format == FileFormat.CSV ? CSV : TSV).get();
        records = csv.iterator();
        if (!hasNext()) {
            throw InvalidJobInputException.of("the file is empty");
        }
        List<String> header = records.next().toList().stream().map(String::strip).toList();
        previousEnd = csv.getCurrentLineNumber();
        columns = header.size();
        textIndex = header.indexOf(textColumn);
        idIndex = header.indexOf(ID_COLUMN);
        if (textIndex < 0) {
            throw InvalidJobInputException.of("no column '" + textColumn + "' in the header (columns: "
                    + String.join(", ", header.stream().limit(20).toList())
                    + "); name the text column with the 'textColumn' part");
        }
    }

    private boolean hasNext() {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            throw structure(e);
        }
    }

    private RuntimeException structure(UncheckedIOException e) {
        String message = e.getCause() == null || e.getCause().getMessage() == null ? "" : e.getCause().getMessage();
        if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
            return InvalidJobInputException.of("the file is not UTF-8 text");
        }
        if (message.contains("EOF reached before encapsulated token finished")) {
            return InvalidJobInputException.of("a quoted field is never closed (unbalanced quotes) after line "
                    + (csv.getCurrentLineNumber()));
        }
        return InvalidJobInputException.of("the CSV structure cannot be read near line " + csv.getCurrentLineNumber()
                + (message.isEmpty() ? "" : ": " + message));
    }

    /** The next row, or null at the end of the file. */
    Row next() throws IOException {
        return format == FileFormat.JSONL ? nextJson() : nextDelimited();
    }

    /** Reads past {@code count} rows (those a resumed job already answered). */
    void skip(long count) throws IOException {
        for (long i = 0; i < count; i++) {
            if (next() == null) {
                throw new IOException("the input ended after " + i + " of the " + count + " rows already answered");
            }
        }
    }

    private Row nextDelimited() {
        if (!hasNext()) {
            return null;
        }
        CSVRecord record;
        try {
            record = records.next();
        } catch (UncheckedIOException e) {
            throw structure(e);
        }
        long line = previousEnd + 1;
        previousEnd = csv.getCurrentLineNumber();
        rows++;
        String id = idIndex >= 0 && idIndex < record.size() ? record.get(idIndex) : Long.toString(rows);
        if (record.size() != columns) {
            return new Row(rows, line, id, null, "expected " + columns + " fields, found " + record.size());
        }
        String text = record.get(textIndex);
        return new Row(rows, line, id, text, text.isBlank() ? "the text is empty" : null);
    }

    private Row nextJson() throws IOException {
        String raw;
        try {
            do {
                raw = reader.readLine();
                lines++;
            } while (raw != null && raw.isBlank());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw InvalidJobInputException.of("the file is not UTF-8 text");
        }
        if (raw == null) {
            if (rows == 0) {
                throw InvalidJobInputException.of("the file is empty");
            }
            return null;
        }
        rows++;
        JsonNode node;
        try {
            node = json.readTree(raw);
        } catch (JacksonException e) {
            return new Row(rows, lines, Long.toString(rows), null, "not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return new Row(rows, lines, Long.toString(rows), null, "not a JSON object");
        }
        JsonNode idNode = node.get(ID_COLUMN);
        String id = idNode == null || idNode.isNull() ? Long.toString(rows)
                : idNode.isValueNode() ? idNode.asString() : idNode.toString();
        JsonNode textNode = node.get(textColumn);
        if (textNode == null || !textNode.isString()) {
            return new Row(rows, lines, id, null, "no string field '" + textColumn + "'");
        }
        String text = textNode.asString();
        return new Row(rows, lines, id, text, text.isBlank() ? "the text is empty" : null);
    }

    @Override
    public void close() throws IOException {
        if (csv != null) {
            csv.close();
        }
        reader.close();
    }
}
