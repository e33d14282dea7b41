package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeedbackCsvTest {

    @Test
    void quotesOnlyWhatRfc4180Needs() {
        Instant now = Instant.now();
        String csv = FeedbackCsv.of(List.of(
                new Feedback("20261201-000000-000-00000001", now, "plain text", "positive", null, null),
                new Feedback("20261201-000000-000-00000002", now, "Not bad, \"really\"", "positive", null, null),
                new Feedback("20261201-000000-000-00000003", now, "two\nlines", "neg,ative", null, null),
                new Feedback("20261201-000000-000-00000004", now, " padded ", "x", null, null)));
        assertThat(csv).isEqualTo("text,label\r\n"
                + "plain text,positive\r\n"
                + "\"Not bad, \"\"really\"\"\",positive\r\n"
                + "\"two\nlines\",\"neg,ative\"\r\n"
                + "\" padded \",x\r\n");
    }

    /** OWASP's CSV-injection rule: a cell a spreadsheet would read as a formula starts with ' and is quoted. */
    @ParameterizedTest
    @ValueSource(strings = {"=", "+", "-", "@", "\t", "\r"})
    void aCellThatASpreadsheetWouldReadAsAFormulaIsNeutralised(String lead) {
        String text = lead + "HYPERLINK(\"http://evil.example\",\"x\")";
        String csv = FeedbackCsv.of(List.of(new Feedback("20261201-000000-000-00000001", Instant.now(), text,
                lead + "label", null, null)));
        assertThat(csv).isEqualTo("text,label\r\n"
                + "\"'" + lead + "HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"'" + lead + "label\"\r\n");
    }

    @Test
    void theCharactersAreOnlyDangerousAtTheStart() {
        String csv = FeedbackCsv.of(List.of(new Feedback("20261201-000000-000-00000001", Instant.now(),
                "1+1=2 @home -ish", "a-b", null, null)));
        assertThat(csv).isEqualTo("text,label\r\n1+1=2 @home -ish,a-b\r\n");
    }
}
