package com.example.sentiment.feedback;

import java.util.List;

/**
 * Corrections as a training file: header {@code text,label}, one row per correction, CRLF line ends and
 * RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes doubled), so that the file
 * uploads as it is.
 *
 * <p>A cell that begins with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return is one a
 * spreadsheet would run as a formula (CSV injection: a correction's text is anyone's to write, and an operator
 * opens the export). Such a cell is neutralised as OWASP advises: prefixed with a single quote {@code '} and
 * quoted. Only the exported file is changed; the store keeps the text as it was given, and a training job with
 * {@code includeFeedback} reads the store, not this file. Uploading the export itself as training data keeps the
 * quote in those texts.
 */
final class FeedbackCsv {

    static final String HEADER = "text,label\r\n";

    private FeedbackCsv() {
    }

    static String of(List<Feedback> corrections) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (Feedback f : corrections) {
            csv.append(row(f));
        }
        return csv.toString();
    }

    /** One correction's row, with its line end. */
    static String row(Feedback f) {
        return field(f.text()) + ',' + field(f.label()) + "\r\n";
    }

    static String field(String value) {
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            return '"' + "'" + value.replace("\"", "\"\"") + '"';
        }
        boolean quote = value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
