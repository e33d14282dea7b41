package com.example.sentiment.feedback;

import java.util.List;

/**
 * Corrections as a training file: header {@code text,label}, one row per correction, CRLF line ends and
 * RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes doubled), so that the file
 * uploads as it is.
 */
final class FeedbackCsv {

    private FeedbackCsv() {
    }

    static String of(List<Feedback> corrections) {
        StringBuilder csv = new StringBuilder("text,label\r\n");
        for (Feedback f : corrections) {
            csv.append(field(f.text())).append(',').append(field(f.label())).append("\r\n");
        }
        return csv.toString();
    }

    static String field(String value) {
        boolean quote = value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
