package com.example.sentiment.dataset;

import java.util.Locale;

/** How a file of texts is written: what a training upload and a classification job's input may be. */
public enum FileFormat {
    CSV, TSV, JSONL;

    /**
     * The format a file's name says ({@code .csv}, {@code .tsv}/{@code .tab}, {@code .jsonl}/{@code .ndjson}/
     * {@code .json}), or else what its start looks like: a JSON object, a header with tabs and no commas, or CSV.
     *
     * @param filename the uploaded file's name, or null
     * @param start the file's first characters (at least its first line, when it has one)
     */
    public static FileFormat detect(String filename, String start) {
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        String trimmed = start.stripLeading();
        if (trimmed.startsWith("{")) {
            return JSONL;
        }
        int eol = trimmed.indexOf('\n');
        String header = eol < 0 ? trimmed : trimmed.substring(0, eol);
        return header.indexOf('\t') >= 0 && header.indexOf(',') < 0 ? TSV : CSV;
    }
}
