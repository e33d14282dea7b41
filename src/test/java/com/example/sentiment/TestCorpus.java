package com.example.sentiment;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small generated sentiment corpus: clear cue words among filler of varying length. */
public final class TestCorpus {

    private static final String[] POSITIVE = {"good", "great", "wonderful", "excellent", "lovely", "brilliant"};
    private static final String[] NEGATIVE = {"bad", "awful", "boring", "terrible", "dull", "horrible"};
    private static final String[] FILLER = {"the", "movie", "film", "plot", "was", "really", "and", "acting",
        "story", "quite", "this", "a", "with", "cast", "music"};

    private TestCorpus() {
    }

    /** One labelled example: a text and its label. */
    public record Example(String text, String label) {
    }

    public static List<Example> examples(int n, long seed) {
        Random random = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(example(i, random));
        }
        return out;
    }

    private static Example example(int i, Random random) {
        boolean positive = i % 2 == 0;
        String[] cues = positive ? POSITIVE : NEGATIVE;
        StringBuilder text = new StringBuilder();
        int before = random.nextInt(6);
        int after = random.nextInt(6);
        for (int k = 0; k < before; k++) {
            text.append(FILLER[random.nextInt(FILLER.length)]).append(' ');
        }
        text.append(cues[random.nextInt(cues.length)]);
        for (int k = 0; k < after; k++) {
            text.append(' ').append(FILLER[random.nextInt(FILLER.length)]);
        }
        return new Example(text.toString(), positive ? "positive" : "negative");
    }

    /**
     * Writes such examples as a CSV of about {@code bytes} bytes, one row at a time, for the tests that
     * upload large files; returns the number of rows.
     */
    public static int writeCsv(Path file, long bytes, long seed) throws IOException {
        Random random = new Random(seed);
        long written = 0;
        int rows = 0;
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("text,label\n");
            while (true) {
                Example e = example(rows, random);
                String line = e.text() + "," + e.label() + "\n";
                if (written + line.length() > bytes) {
                    return rows;
                }
                out.write(line);
                written += line.length();
                rows++;
            }
        }
    }

    /** The examples as an RFC 4180 CSV with a header, some texts quoted with embedded commas and quotes. */
    public static String csv(int n, long seed) {
        StringBuilder csv = new StringBuilder("text,label\n");
        int i = 0;
        for (Example e : examples(n, seed)) {
            String text = e.text();
            if (i++ % 5 == 0) {
                text = "\"" + text + ", \"\"really\"\"\"";
            }
            csv.append(text).append(',').append(e.label()).append('\n');
        }
        return csv.toString();
    }
}
