package com.example.sentiment.classificationjob;

import com.example.sentiment.ml.Prediction;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;

/**
 * How results are written, one line per input row in the input's order: CSV with the header
 * {@code id,label,score_<label>...,truncated} (every label's probability in the model's label order), or JSON Lines
 * {@code {"id":"...","label":"...","scores":{...},"truncated":false}}. Probabilities have six decimals.
 */
enum ResultFormat {
    CSV("text/csv", "csv"), JSONL("application/x-ndjson", "jsonl");

    final MediaType mediaType;
    final String extension;

    ResultFormat(String mediaType, String extension) {
        this.mediaType = MediaType.parseMediaType(mediaType);
        this.extension = extension;
    }

    /** The format named ({@code csv} or {@code jsonl}, any case), or null when it is neither. */
    static ResultFormat named(String name) {
        for (ResultFormat f : values()) {
            if (f.extension.equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    /** What comes before the first row (CSV's header), possibly nothing. */
    String header(List<String> labels) {
        if (this == JSONL) {
            return "";
        }
        StringBuilder line = new StringBuilder("id,label");
        for (String label : labels) {
            line.append(',');
            csvField(line, "score_" + label);
        }
        return line.append(",truncated\n").toString();
    }

    /** One row's line, ending with a line break. */
    void line(StringBuilder out, String id, Prediction p, List<String> labels) {
        if (this == CSV) {
            csvField(out, id);
            out.append(',');
            csvField(out, p.label());
            for (String label : labels) {
                out.append(',').append(probability(p.scores().getOrDefault(label, 0.0)));
            }
            out.append(',').append(p.truncated()).append('\n');
        } else {
            out.append("{\"id\":");
            jsonString(out, id);
            out.append(",\"label\":");
            jsonString(out, p.label());
            out.append(",\"scores\":{");
            for (int i = 0; i < labels.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                jsonString(out, labels.get(i));
                out.append(':').append(probability(p.scores().getOrDefault(labels.get(i), 0.0)));
            }
            out.append("},\"truncated\":").append(p.truncated()).append("}\n");
        }
    }

    private static String probability(double p) {
        return String.format(Locale.ROOT, "%.6f", p);
    }

    private static void csvField(StringBuilder out, String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        if (!quote) {
            out.append(value);
            return;
        }
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    private static void jsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
