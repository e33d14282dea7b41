package com.example.sentiment.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an uploaded labelled file from a stream, row by row: CSV (RFC 4180 through Apache Commons CSV:
 * quoted fields with embedded commas, quotes and line breaks), TSV with a header, or JSON Lines. UTF-8, with
 * or without a byte-order mark. Nothing but the current record is held, so memory does not grow with the
 * file; each usable row goes to a {@link RowSink} as soon as it is read.
 *
 * <p>Rows with an empty text or label are skipped and counted; anything that makes the file's structure
 * doubtful (unbalanced quotes, a row with the wrong number of fields, a line that is not a JSON object)
 * refuses the file with the line numbers, because guessing would train on the wrong data.
 */
final class DatasetParser {

    /** The formats the service reads. */
    /** What a file held, rows included, for small files read whole. */
    record Parsed(FileFormat format, List<DatasetReader.Row> rows, int rowsRead, Map<String, Integer> skipped) {
    }

    /**
     * What reading a file found besides the rows it handed on.
     *
     * @param labelLists whether some JSON Lines row gave its labels as an array (a multi-label file)
     */
    record Summary(FileFormat format, int rowsRead, Map<String, Integer> skipped, boolean labelLists) {

        Summary(FileFormat format, int rowsRead, Map<String, Integer> skipped) {
            this(format, rowsRead, skipped, false);
        }
    }

    /** The separator of several labels in one label field, unless a job names another. */
    static final String DEFAULT_LABEL_SEPARATOR = "|";
    /** The field of a JSON Lines row that may hold an array of labels, when the label field is absent. */
    static final String LABELS_FIELD = "labels";

    /** Receives each usable row (text and label not blank, label stripped) as it is read. */
    interface RowSink {
        void accept(int line, String text, String label);
    }

    private static final int MAX_ERRORS = 10;
    /** Characters looked at to tell the format of a file without a known extension. */
    private static final int SNIFF_CHARS = 8192;
    private static final int BUFFER_BYTES = 1 << 16;

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
    private static final CSVFormat TSV = CSVFormat.Builder.create().setDelimiter('\t').setQuote(null)
            .setIgnoreEmptyLines(false).get();

    private final JsonMapper json;
    private final int maxRows;

    DatasetParser(JsonMapper json, int maxRows) {
        this.json = json;
        this.maxRows = maxRows;
    }

    /** Reads a whole file held in memory, rows and all; for small files (tests). */
    Parsed parse(String part, byte[] bytes, String filename, String textColumn, String labelColumn) {
        try {
            return parse(part, new ByteArrayInputStream(bytes), filename, textColumn, labelColumn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file with its rows as a list; for the command-line tools, not for uploads. */
    Parsed parse(String part, InputStream in, String filename, String textColumn, String labelColumn) throws IOException {
        List<DatasetReader.Row> rows = new ArrayList<>();
        Summary summary = read(part, in, filename, textColumn, labelColumn,
                (line, text, label) -> rows.add(new DatasetReader.Row(line, text, label)));
        return new Parsed(summary.format(), rows, summary.rowsRead(), summary.skipped());
    }

    /**
     * Reads a file from a stream and hands every usable row to {@code sink}.
     *
     * @throws InvalidDatasetException listing what is wrong with the file, with line numbers
     * @throws IOException when the stream itself cannot be read
     */
    Summary read(String part, InputStream in, String filename, String textColumn, String labelColumn, RowSink sink)
            throws IOException {
        return read(part, in, filename, textColumn, labelColumn, DEFAULT_LABEL_SEPARATOR, sink);
    }

    /**
     * The same; a JSON Lines row's array of labels ({@code "label": [...]}, or {@code "labels": [...]}) becomes
     * one label field of its labels joined by {@code labelSeparator}.
     */
    Summary read(String part, InputStream in, String filename, String textColumn, String labelColumn,
                 String labelSeparator, RowSink sink) throws IOException {
        TextReader text = new TextReader(part, in);
        BufferedReader reader = new BufferedReader(text, BUFFER_BYTES);
        Collector collector = new Collector(part, maxRows, sink);
        try {
            String start = sniff(reader);
            if (start.isBlank() && start.length() < SNIFF_CHARS) {
                throw InvalidDatasetException.of(part, "the file is empty");
            }
            FileFormat format = FileFormat.detect(filename, start);
            switch (format) {
                case JSONL -> parseJsonLines(reader, textColumn, labelColumn, labelSeparator, collector);
                case CSV -> parseDelimited(reader, CSV, textColumn, labelColumn, collector);
                case TSV -> parseDelimited(reader, TSV, textColumn, labelColumn, collector);
            }
            collector.failIfErrors();
            return new Summary(format, collector.read, collector.skipped, collector.labelLists);
        } catch (UncheckedIOException e) {
            throw text.explain(e.getCause());
        } catch (IOException e) {
            throw text.explain(e);
        }
    }

    /** The first characters of the file, left unread. */
    private static String sniff(BufferedReader reader) throws IOException {
        reader.mark(SNIFF_CHARS);
        char[] buffer = new char[SNIFF_CHARS];
        int n = 0;
        while (n < SNIFF_CHARS) {
            int r = reader.read(buffer, n, SNIFF_CHARS - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        reader.reset();
        return new String(buffer, 0, n);
    }

    private static void parseDelimited(Reader reader, CSVFormat format, String textColumn, String labelColumn,
                                       Collector collector) throws IOException {
        try (CSVParser csv = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            Iterator<CSVRecord> records = csv.iterator();
            // the parser counts line breaks, quoted ones included; a record starts after the previous one ended
            long previousEnd = 0;
            List<String> header = null;
            int textIndex = -1;
            int labelIndex = -1;
            while (!collector.tooMany()) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof CharacterCodingException || e.getCause() instanceof TextReader.BinaryContent) {
                        throw e;
                    }
                    structureError(collector, e.getCause(), previousEnd + 1, csv.getCurrentLineNumber());
                    return;
                }
                int line = (int) previousEnd + 1;
                previousEnd = csv.getCurrentLineNumber();
                if (header == null) {
                    header = record.toList();
                    textIndex = columnIndex(header, textColumn);
                    labelIndex = columnIndex(header, labelColumn);
                    if (textIndex < 0 || labelIndex < 0) {
                        String missing = textIndex < 0 ? textColumn : labelColumn;
                        collector.error("no column '" + missing + "' in the header (columns: " + columnList(header)
                                + "); name the columns with 'textColumn' and 'labelColumn' in the config");
                        return;
                    }
                    continue;
                }
                if (record.size() == 1 && record.get(0).isBlank()) {
                    continue;
                }
                if (record.size() != header.size()) {
                    collector.error(line, "expected " + header.size() + " fields, found " + record.size());
                    continue;
                }
                collector.add(line, record.get(textIndex), record.get(labelIndex));
            }
            if (header == null) {
                collector.error("the file has no header row");
            }
        }
    }

    /** The header's columns for a message: a file without line breaks must not echo itself back whole. */
    private static String columnList(List<String> header) {
        List<String> shown = header.stream().limit(20)
                .map(c -> c.length() > 40 ? c.substring(0, 40) + "..." : c).toList();
        return String.join(", ", shown) + (header.size() > shown.size() ? ", ... (" + header.size() + " in all)" : "");
    }

    /** Commons CSV's reason for giving up, in the words the service uses. */
    private static void structureError(Collector collector, Throwable cause, long recordLine, long currentLine) {
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (message.contains("EOF reached before encapsulated token finished")) {
            collector.error((int) recordLine, "a quoted field is never closed (unbalanced quotes)");
        } else if (message.contains("Invalid character between encapsulated token and delimiter")) {
            collector.error((int) currentLine, "unexpected text after a quoted field (a quote inside a quoted field "
                    + "must be doubled)");
        } else {
            collector.error((int) currentLine, "the CSV structure cannot be read");
        }
    }

    private void parseJsonLines(BufferedReader reader, String textField, String labelField, String separator,
                                Collector collector) throws IOException {
        int line = 0;
        String raw;
        while (!collector.tooMany() && (raw = reader.readLine()) != null) {
            line++;
            String text = raw.strip();
            if (text.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(text);
            } catch (JacksonException e) {
                collector.error(line, "not valid JSON");
                continue;
            }
            if (node == null || !node.isObject()) {
                collector.error(line, "not a JSON object");
                continue;
            }
            JsonNode label = node.get(labelField);
            if (label == null && !LABELS_FIELD.equals(labelField)) {
                label = node.get(LABELS_FIELD) != null && node.get(LABELS_FIELD).isArray() ? node.get(LABELS_FIELD) : null;
            }
            if (label != null && label.isArray()) {
                List<String> labels = new ArrayList<>();
                boolean usable = true;
                for (JsonNode item : label) {
                    String value = scalar(item);
                    if (value == null || value.isBlank()) {
                        continue;
                    }
                    if (value.contains(separator)) {
                        collector.error(line, "a label of the array holds the label separator '" + separator
                                + "' (set labelSeparator to another one)");
                        usable = false;
                        break;
                    }
                    labels.add(value.strip());
                }
                if (usable) {
                    collector.labelLists = true;
                    collector.add(line, scalar(node.get(textField)), String.join(separator, labels));
                }
                continue;
            }
            collector.add(line, scalar(node.get(textField)), scalar(label));
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

    /**
     * Strict UTF-8 decoding of the upload (a byte-order mark is dropped) that refuses NUL characters, since
     * they mean a binary file rather than text.
     */
    private static final class TextReader extends FilterReader {

        /** A NUL character was read. */
        static final class BinaryContent extends IOException {
            BinaryContent() {
                super("NUL character");
            }
        }

        private final String part;

        TextReader(String part, InputStream in) throws IOException {
            super(new InputStreamReader(withoutByteOrderMark(in), StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
            this.part = part;
        }

        private static InputStream withoutByteOrderMark(InputStream in) throws IOException {
            BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_BYTES);
            buffered.mark(3);
            byte[] start = buffered.readNBytes(3);
            if (!Arrays.equals(start, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})) {
                buffered.reset();
            }
            return buffered;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c == 0) {
                throw new BinaryContent();
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n; i++) {
                if (buffer[i] == '\0') {
                    throw new BinaryContent();
                }
            }
            return n;
        }

        /** The answer for a failure to read the stream: bad text is the client's, anything else is ours. */
        RuntimeException explain(Throwable e) throws IOException {
            if (e instanceof CharacterCodingException) {
                return InvalidDatasetException.of(part, "the file is not UTF-8 text (is it a binary file or another encoding?)");
            }
            if (e instanceof BinaryContent) {
                return InvalidDatasetException.of(part, "the file contains NUL characters: it looks like a binary file, "
                        + "not CSV, TSV or JSON Lines");
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e);
        }
    }

    /** Characters no label may hold: control characters (line breaks, tabs, NUL ...) and Unicode line separators. */
    static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

    /** Counts rows, skip reasons and errors of one file, and hands usable rows on. */
    static final class Collector {
        private final String part;
        private final int maxRows;
        private final RowSink sink;
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private final List<InvalidDatasetException.DatasetError> errors = new ArrayList<>();
        private int read;
        private int errorCount;
        private boolean labelLists;

        Collector(String part, int maxRows, RowSink sink) {
            this.part = part;
            this.maxRows = maxRows;
            this.sink = sink;
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
            } else if (CONTROL.matcher(label.strip()).find()) {
                // labels end up in files and headers that are read line by line, and are shown to people
                error(line, "the label contains a control character (such as a line break or tab): "
                        + "a label is one line of printable text");
            } else if (errorCount == 0) {
                // once the file is known to be refused, its rows are only counted
                sink.accept(line, text, label.strip());
            }
        }

        /** A problem of the file as a whole. */
        void error(String message) {
            add(new InvalidDatasetException.DatasetError(part, null, message));
        }

        /** A problem of the row that starts at {@code line}. */
        void error(int line, String message) {
            add(new InvalidDatasetException.DatasetError(part, line, message));
        }

        private void add(InvalidDatasetException.DatasetError error) {
            errorCount++;
            if (errors.size() < MAX_ERRORS) {
                errors.add(error);
            }
        }

        boolean tooMany() {
            return read > maxRows || errorCount > 1000;
        }

        void failIfErrors() {
            if (errors.isEmpty()) {
                return;
            }
            List<InvalidDatasetException.DatasetError> report = new ArrayList<>(errors);
            if (errorCount > errors.size()) {
                report.add(new InvalidDatasetException.DatasetError(part, null,
                        "... and " + (errorCount - errors.size()) + " more"));
            }
            throw InvalidDatasetException.withErrors(part, report);
        }
    }
}
