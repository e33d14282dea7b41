package com.example.sentiment.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits delimited text into records. With {@code quoted} it follows RFC 4180: fields in double quotes may
 * hold the delimiter, line breaks and doubled quotes. Without it (TSV) every line is a record.
 */
final class CsvReader {

    /** One record and the line it starts on (1-based). */
    record Record(int line, List<String> fields) {
    }

    private CsvReader() {
    }

    static List<Record> records(String content, char delimiter, boolean quoted, DatasetParser.Collector errors) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean inQuotes = false;
        boolean wasQuoted = false;
        int quoteLine = 0;
        int n = content.length();
        for (int i = 0; i < n; i++) {
            char c = content.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < n && content.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            if (c == '"' && quoted && field.isEmpty() && !wasQuoted) {
                inQuotes = true;
                wasQuoted = true;
                quoteLine = line;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\r' && i + 1 < n && content.charAt(i + 1) == '\n') {
                // the \n ends the record
                continue;
            } else if (c == '\n' || c == '\r') {
                fields.add(field.toString());
                records.add(new Record(recordLine, List.copyOf(fields)));
                fields.clear();
                field.setLength(0);
                wasQuoted = false;
                line++;
                recordLine = line;
            } else if (c == '"' && quoted && wasQuoted) {
                errors.error("line " + line + ": unexpected quote after a quoted field");
                return records;
            } else {
                field.append(c);
            }
        }
        if (inQuotes) {
            errors.error("line " + quoteLine + ": a quoted field is never closed (unbalanced quotes)");
            return records;
        }
        if (!field.isEmpty() || !fields.isEmpty()) {
            fields.add(field.toString());
            records.add(new Record(recordLine, List.copyOf(fields)));
        }
        return records;
    }
}
