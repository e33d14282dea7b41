package com.example.sentiment.ml;

import java.util.List;

/**
 * Texts with the index of their label in a shared label list.
 */
public record LabelledTexts(List<String> texts, int[] labels) {

    public LabelledTexts {
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException("texts and labels differ in length");
        }
    }

    public int size() {
        return texts.size();
    }
}
