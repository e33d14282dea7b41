package com.example.sentiment.ml;

import java.util.List;
import java.util.Set;

/**
 * Texts with the index of their label in a shared label list.
 *
 * @param labelSets for multi-label texts, each text's labels (possibly none), and {@code labels} then holds one of
 *                  them per text; null for single-label texts
 */
public record LabelledTexts(List<String> texts, int[] labels, List<Set<String>> labelSets) {

    public LabelledTexts {
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException("texts and labels differ in length");
        }
        if (labelSets != null && labelSets.size() != texts.size()) {
            throw new IllegalArgumentException("texts and label sets differ in length");
        }
    }

    /** Single-label texts. */
    public LabelledTexts(List<String> texts, int[] labels) {
        this(texts, labels, null);
    }

    public int size() {
        return texts.size();
    }

    /** Whether the texts may have several labels each. */
    public boolean multiLabel() {
        return labelSets != null;
    }
}
