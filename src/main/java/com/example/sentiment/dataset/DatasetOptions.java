package com.example.sentiment.dataset;

import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.HyperParameters;
import java.util.List;

/**
 * How {@link DatasetReader} reads and prepares one upload: which columns hold the text and the label, how the
 * validation rows are held out, what the examples are encoded for and what is kept beside them.
 *
 * @param hyperParameters the settings the rows are encoded for: word ids or the pieces of the encoder they
 *                        name, cut to their {@code maxSequenceLength}; their seed draws the split
 * @param candidates      every configuration the job may train: each encoder they read gets its view of the rows,
 *                        and each network is checked against the memory free now
 * @param keepHeldOutTexts keep {@link PreparedDataset#heldOutTexts()} (every job: the if-better gate compares on
 *                        them, and the version is calibrated on them)
 * @param holdOutSentences hold out whole sentences only (SST-like phrase corpora)
 * @param keepTokens       keep {@link PreparedDataset#tokens()} (a job with a teacher)
 * @param corrections      stored corrections to add to the training rows, newest first (empty for none)
 */
public record DatasetOptions(String textColumn, String labelColumn, double validationSplit,
                             HyperParameters hyperParameters, List<ConfigurationSearch.Candidate> candidates,
                             boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                             List<Correction> corrections) {

    public DatasetOptions {
        candidates = List.copyOf(candidates);
        corrections = List.copyOf(corrections);
    }

    /** A stored correction: a text and the label it should have had. */
    public record Correction(String text, String label) {
    }
}
