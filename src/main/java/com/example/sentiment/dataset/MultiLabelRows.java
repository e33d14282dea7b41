package com.example.sentiment.dataset;

import com.example.sentiment.ml.EncodedTexts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The label fields of a multi-label upload, each the labels of one text joined by a separator
 * ({@code billing|urgent}): every text's label set, the labels of all of them, how often each label and each
 * combination of labels occurs, and the strata a split is stratified on.
 *
 * <p>The split is label-powerset stratification: each combination of labels is a stratum, and the combinations
 * too rare to give the validation split one example at the job's {@code validationSplit} (fewer than
 * {@code 1 / validationSplit} rows) share one pooled stratum, so they are held out in proportion as a group
 * instead of never.
 */
final class MultiLabelRows {

    private final String separator;
    private final Pattern split;
    // each label field as read, to its labels (sorted, without duplicates or blanks)
    private final Map<String, List<String>> sets = new HashMap<>();

    MultiLabelRows(String separator) {
        this.separator = separator;
        this.split = Pattern.compile(Pattern.quote(separator));
    }

    /**
     * Whether the job is multi-label: its {@code task} says so, or (no task) some label field of the files holds
     * the separator, or a JSON Lines row gave an array of labels.
     */
    static boolean applies(String task, String separator, PreparedDataset.FileRows data, PreparedDataset.FileRows validation) {
        if (task != null) {
            return DatasetOptions.MULTI_LABEL.equalsIgnoreCase(task);
        }
        if (data.summary().labelLists() || validation != null && validation.summary().labelLists()) {
            return true;
        }
        return holdsSeparator(data.rows(), separator) || validation != null && holdsSeparator(validation.rows(), separator);
    }

    private static boolean holdsSeparator(TokenisedRows rows, String separator) {
        for (String label : rows.labelNames()) {
            if (label.contains(separator)) {
                return true;
            }
        }
        return false;
    }

    /** The labels of one label field. */
    List<String> labels(String field) {
        return sets.computeIfAbsent(field, f -> {
            TreeSet<String> labels = new TreeSet<>();
            for (String part : split.split(f, -1)) {
                if (!part.isBlank()) {
                    labels.add(part.strip());
                }
            }
            return List.copyOf(labels);
        });
    }

    /** A label set as one key: its labels, sorted, joined by the separator (none: the empty string). */
    String combination(String field) {
        return String.join(separator, labels(field));
    }

    /** How many rows have each label, in label order. */
    Map<String, Integer> labelCounts(TokenisedRows rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            for (String label : labels(rows.label(r))) {
                counts.merge(label, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** How many rows have each combination of labels, most frequent first (ties in key order). */
    Map<String, Integer> combinationCounts(TokenisedRows rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            counts.merge(combination(rows.label(r)), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> b.getValue() - a.getValue());
        Map<String, Integer> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /**
     * Each row's stratum for a split of {@code fraction}: its label combination's, or the pooled one for
     * combinations of fewer than {@code 1 / fraction} rows.
     *
     * @return the strata (index 0 is the pooled one) and the number of strata
     */
    int[] strata(TokenisedRows rows, double fraction, int[] countOut) {
        Map<String, Integer> counts = combinationCounts(rows);
        int rare = Math.max(2, (int) Math.ceil(1.0 / fraction));
        Map<String, Integer> stratum = new HashMap<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            stratum.put(e.getKey(), e.getValue() < rare ? 0 : stratum.size() + 1);
        }
        int[] out = new int[rows.size()];
        int max = 0;
        for (int r = 0; r < out.length; r++) {
            out[r] = stratum.get(combination(rows.label(r)));
            max = Math.max(max, out[r]);
        }
        countOut[0] = max + 1;
        return out;
    }

    /** Each label field (of both files) to the index of its first label, 0 for a row without labels. */
    Map<String, Integer> firstLabelIndex(List<String> labels, TokenisedRows... files) {
        Map<String, Integer> index = new HashMap<>();
        for (TokenisedRows rows : files) {
            if (rows == null) {
                continue;
            }
            for (String field : rows.labelNames()) {
                List<String> set = labels(field);
                index.put(field, set.isEmpty() ? 0 : Math.max(0, labels.indexOf(set.get(0))));
            }
        }
        return index;
    }

    /** The same examples with each one's multi-hot row over {@code labels}, marked multi-label. */
    EncodedTexts withTargets(EncodedTexts texts, TokenisedRows rows, int[] which, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        float[][] targets = new float[which.length][labels.size()];
        for (int i = 0; i < which.length; i++) {
            for (String label : labels(rows.label(which[i]))) {
                targets[i][index.get(label)] = 1f;
            }
        }
        return new EncodedTexts(texts.sequences(), texts.labels(), targets, true);
    }

    /** The label sets of the given rows, in their order. */
    List<java.util.Set<String>> labelSets(TokenisedRows rows, int[] which) {
        List<java.util.Set<String>> out = new ArrayList<>(which.length);
        for (int row : which) {
            out.add(java.util.Set.copyOf(labels(rows.label(row))));
        }
        return out;
    }
}
