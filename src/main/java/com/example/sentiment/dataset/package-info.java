/**
 * Ingestion of labelled data: uploads and files (CSV, TSV, JSON Lines) read as streams, tokenised as they are
 * read, checked, split and encoded for training within one memory budget.
 *
 * <p>The public face is narrow: {@link com.example.sentiment.dataset.DatasetReader} (with its
 * {@code Upload}), its options {@link com.example.sentiment.dataset.DatasetOptions}, the
 * {@link com.example.sentiment.dataset.PreparedDataset} it returns and its
 * {@link com.example.sentiment.dataset.DatasetReport}, and the two refusals
 * {@link com.example.sentiment.dataset.InvalidDatasetException} (422) and
 * {@link com.example.sentiment.dataset.InsufficientMemoryException} (413). Everything else (the parser, the word
 * table, the tokenised rows, the hand-off thread, the sentence hold-out, the budget) is package-private. This
 * package knows nothing of training jobs: {@code training} maps a job's settings to the options.
 */
package com.example.sentiment.dataset;
