package com.example.sentiment.training;

import com.example.sentiment.feedback.Feedback;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.Tokenizer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Validated training data ready for the trainer: the label set, the training and validation examples
 * (a stratified, seeded split unless a separate validation file was given) and the dataset report.
 */
record PreparedDataset(List<String> labels, LabelledTexts train, LabelledTexts validation, DatasetReport report) {

    static final int MAX_LABELS = 1000;

    /**
     * Checks the rows for what training needs and splits them.
     *
     * @param validationRows rows of a separate validation file, or {@code null} to hold out a split
     * @param corrections stored corrections to add to the training rows, newest first (empty for none)
     */
    static PreparedDataset prepare(DatasetParser.Parsed parsed, byte[] trainBytes, DatasetParser.Parsed validationRows,
                                   double validationSplit, long seed, int minExamplesPerLabel,
                                   List<DatasetParser.Row> corrections) {
        List<DatasetParser.Row> rows = new ArrayList<>(parsed.rows());
        int correctionsAdded = addCorrections(rows, corrections);
        List<String> errors = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (DatasetParser.Row row : rows) {
            counts.merge(row.label(), 1, Integer::sum);
        }
        if (rows.isEmpty()) {
            errors.add("no usable rows (every row was empty)");
        } else if (counts.size() < 2) {
            errors.add("at least 2 different labels are needed, found 1 ('" + counts.keySet().iterator().next() + "')");
        } else if (counts.size() > MAX_LABELS) {
            errors.add("more than " + MAX_LABELS + " different labels (" + counts.size()
                    + "): is the label column the right one?");
        } else {
            counts.forEach((label, count) -> {
                if (count < minExamplesPerLabel) {
                    errors.add("label '" + label + "' has " + count + " example" + (count == 1 ? "" : "s")
                            + ", at least " + minExamplesPerLabel + " are needed");
                }
            });
        }
        if (!errors.isEmpty()) {
            throw InvalidDatasetException.of("data", errors);
        }
        List<String> labels = List.copyOf(counts.keySet());

        List<DatasetParser.Row> trainRows;
        List<DatasetParser.Row> validationList;
        String validationSource;
        if (validationRows != null) {
            List<String> unknown = new ArrayList<>();
            for (DatasetParser.Row row : validationRows.rows()) {
                if (!counts.containsKey(row.label()) && !unknown.contains(row.label()) && unknown.size() < 10) {
                    unknown.add(row.label());
                }
            }
            if (!unknown.isEmpty()) {
                throw InvalidDatasetException.of("validation", "labels not in the training data: " + String.join(", ", unknown));
            }
            if (validationRows.rows().isEmpty()) {
                throw InvalidDatasetException.of("validation", "no usable rows");
            }
            trainRows = rows;
            validationList = validationRows.rows();
            validationSource = "file";
        } else {
            List<List<DatasetParser.Row>> split = stratifiedSplit(rows, validationSplit, seed);
            trainRows = split.get(0);
            validationList = split.get(1);
            validationSource = "split";
            if (validationList.isEmpty()) {
                throw InvalidDatasetException.of("data", "the validation split (" + validationSplit
                        + ") leaves no validation examples: upload more rows, raise validationSplit or upload a validation file");
            }
        }
        int held = validationList.size();
        validationList = unseenInTraining(trainRows, validationList);
        if (validationList.isEmpty()) {
            throw InvalidDatasetException.of(validationRows != null ? "validation" : "data", "every validation "
                    + "example also occurs in the training data (same tokens): nothing is left to validate on");
        }
        DatasetReport report = new DatasetReport(parsed.format().name().toLowerCase(), sha256(trainBytes),
                parsed.rowsRead(), parsed.rows().size(), parsed.rowsRead() - parsed.rows().size(),
                parsed.skipped(), new LinkedHashMap<>(counts), trainRows.size(), validationList.size(), validationSource,
                held - validationList.size(), correctionsAdded, corrections.size() - correctionsAdded);
        return new PreparedDataset(labels, toTexts(trainRows, labels), toTexts(validationList, labels), report);
    }

    /**
     * The validation rows whose token sequence no training row has: a copy of a training example (the same
     * tokens: the same text, case and spacing aside) would let the validation figure reward memorising.
     * The copy leaves validation, not training, so that the model still learns from every row.
     */
    static List<DatasetParser.Row> unseenInTraining(List<DatasetParser.Row> train, List<DatasetParser.Row> validation) {
        Tokenizer tokenizer = new Tokenizer();
        Set<List<String>> seen = new HashSet<>();
        for (DatasetParser.Row row : train) {
            seen.add(tokenizer.tokenize(row.text()));
        }
        List<DatasetParser.Row> unseen = new ArrayList<>(validation.size());
        for (DatasetParser.Row row : validation) {
            if (!seen.contains(tokenizer.tokenize(row.text()))) {
                unseen.add(row);
            }
        }
        return unseen;
    }

    /** Stored corrections (oldest first, as the store lists them) as training rows, newest first; line 0: no file. */
    static List<DatasetParser.Row> correctionRows(List<Feedback> oldestFirst) {
        List<DatasetParser.Row> rows = new ArrayList<>(oldestFirst.size());
        for (int i = oldestFirst.size() - 1; i >= 0; i--) {
            rows.add(new DatasetParser.Row(0, oldestFirst.get(i).text(), oldestFirst.get(i).label()));
        }
        return rows;
    }

    /**
     * Appends the corrections that add something: not one whose text and label the upload already has, and
     * of several corrections of one text only the newest. Returns how many were added.
     */
    private static int addCorrections(List<DatasetParser.Row> rows, List<DatasetParser.Row> newestFirst) {
        Set<List<String>> known = new HashSet<>();
        for (DatasetParser.Row row : rows) {
            known.add(List.of(row.text(), row.label()));
        }
        Set<String> corrected = new HashSet<>();
        int added = 0;
        for (DatasetParser.Row c : newestFirst) {
            if (corrected.add(c.text()) && known.add(List.of(c.text(), c.label()))) {
                rows.add(c);
                added++;
            }
        }
        return added;
    }

    /** Per label, a seeded shuffle, then the first {@code fraction} of it (rounded) goes to validation. */
    static List<List<DatasetParser.Row>> stratifiedSplit(List<DatasetParser.Row> rows, double fraction, long seed) {
        Map<String, List<DatasetParser.Row>> byLabel = new TreeMap<>();
        for (DatasetParser.Row row : rows) {
            byLabel.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(row);
        }
        Random random = new Random(seed);
        List<DatasetParser.Row> train = new ArrayList<>();
        List<DatasetParser.Row> validation = new ArrayList<>();
        for (List<DatasetParser.Row> group : byLabel.values()) {
            Collections.shuffle(group, random);
            int held = (int) Math.round(group.size() * fraction);
            if (held >= group.size()) {
                held = group.size() - 1;
            }
            validation.addAll(group.subList(0, held));
            train.addAll(group.subList(held, group.size()));
        }
        return List.of(train, validation);
    }

    private static LabelledTexts toTexts(List<DatasetParser.Row> rows, List<String> labels) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        List<String> texts = new ArrayList<>(rows.size());
        int[] ids = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            texts.add(rows.get(i).text());
            ids[i] = index.get(rows.get(i).label());
        }
        return new LabelledTexts(texts, ids);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
