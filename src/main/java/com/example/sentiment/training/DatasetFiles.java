package com.example.sentiment.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** Labelled files read the way the service reads uploads, for the command-line tools. */
public final class DatasetFiles {

    private DatasetFiles() {
    }

    /** The texts of a CSV, TSV or JSON Lines file with a {@code text} column, in file order. */
    public static List<String> texts(Path file) throws IOException {
        return rows(file).stream().map(DatasetParser.Row::text).toList();
    }

    /** The rows (line, text, label) of such a file with {@code text} and {@code label} columns. */
    static List<DatasetParser.Row> rows(Path file) throws IOException {
        DatasetParser parser = new DatasetParser(JsonMapper.builder().build(), Integer.MAX_VALUE);
        try (InputStream in = Files.newInputStream(file)) {
            return parser.parse(file.getFileName().toString(), in, file.getFileName().toString(), "text", "label").rows();
        }
    }
}
