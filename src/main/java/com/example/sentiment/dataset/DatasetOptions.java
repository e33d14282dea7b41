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
 * @param task             {@value #MULTI_LABEL} or {@value #SINGLE_LABEL}; null to tell from the data (multi-label
 *                         when a label field holds the separator, or a JSON Lines row gives an array of labels)
 * @param labelSeparator   what separates several labels in one label field
 */
public record DatasetOptions(String textColumn, String labelColumn, double validationSplit,
                             HyperParameters hyperParameters, List<ConfigurationSearch.Candidate> candidates,
                             boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                             List<Correction> corrections, String task, String labelSeparator) {

    /** A job whose texts may each have several labels. */
    public static final String MULTI_LABEL = "multi-label";
    /** A job whose texts each have one label, whatever the label fields hold. */
    public static final String SINGLE_LABEL = "single-label";
    /** The separator of several labels in one field unless a job names another. */
    public static final String DEFAULT_LABEL_SEPARATOR = DatasetParser.DEFAULT_LABEL_SEPARATOR;

    public DatasetOptions {
        candidates = List.copyOf(candidates);
        corrections = List.copyOf(corrections);
        if (labelSeparator == null || labelSeparator.isEmpty()) {
            labelSeparator = DEFAULT_LABEL_SEPARATOR;
        }
    }

    /** Options whose task is told from the data, with the default separator. */
    public DatasetOptions(String textColumn, String labelColumn, double validationSplit,
                          HyperParameters hyperParameters, List<ConfigurationSearch.Candidate> candidates,
                          boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                          List<Correction> corrections) {
        this(textColumn, labelColumn, validationSplit, hyperParameters, candidates, keepHeldOutTexts,
                holdOutSentences, keepTokens, corrections, null, DEFAULT_LABEL_SEPARATOR);
    }

    /** A stored correction: a text and the label it should have had. */
    public record Correction(String text, String label) {
    }
}
