package com.example.sentiment.dataset;

import com.example.sentiment.ml.ConfigurationSearch;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.EncoderPieces;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LabelStrata;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.LongText;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.ml.TextWindows;
import com.example.sentiment.ml.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validated training data ready for the trainer: the label set, the vocabulary built from the training rows,
 * the training and validation examples as token-id sequences (a stratified, seeded split unless a separate
 * validation file was given) and the dataset report. No text is kept, except, for a job that activates only
 * a better model, the held-out rows as their tokens joined by spaces, on which the active model is scored
 * too (its vocabulary is not this job's).
 *
 * <p>For a job whose settings name a pretrained encoder, the examples are that encoder's piece sequences of
 * each row's tokens ({@link EncoderPieces}, as the model reads texts when it serves) and the vocabulary holds
 * only its reserved entries: such a model reads no word ids. A configuration search whose candidates read both
 * word ids and an encoder's states gets both: the same rows, in the same order, as word ids and as pieces
 * ({@link #views}).
 *
 * @param encoderViews the training and validation rows as the pieces of further encoders (empty for none)
 */
public record PreparedDataset(List<String> labels, Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation,
                       LabelledTexts heldOutTexts, DatasetReport report, RowTokens tokens,
                       List<ConfigurationSearch.View> encoderViews) {

    static final int MAX_LABELS = 1000;

    /** Without the rows' tokens. */
    PreparedDataset(List<String> labels, Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation,
                    LabelledTexts heldOutTexts, DatasetReport report) {
        this(labels, vocabulary, train, validation, heldOutTexts, report, null, List.of());
    }

    /**
     * Every way the rows are encoded, for a configuration search: first {@link #train()} and
     * {@link #validation()} (with {@code encoder}, the one they are the pieces of, or null for word ids), then
     * {@link #encoderViews()}.
     */
    public List<ConfigurationSearch.View> views(String encoder) {
        List<ConfigurationSearch.View> views = new ArrayList<>();
        views.add(new ConfigurationSearch.View(encoder, vocabulary, train, validation));
        views.addAll(encoderViews);
        return views;
    }

    /** The same rows with these further encoders' views (some of them perhaps {@link ConfigurationSearch.View#leftOut}). */
    PreparedDataset withEncoderViews(List<ConfigurationSearch.View> views) {
        return new PreparedDataset(labels, vocabulary, train, validation, heldOutTexts, report, tokens, List.copyOf(views));
    }

    /**
     * The whole tokens (not cut to the maximum sequence length) of the training and validation rows, in the order
     * of {@link #train()} and {@link #validation()}, as numbers of {@code words}: what a teacher labels and what
     * augmentation varies. Kept only for a job with a teacher.
     */
    public record RowTokens(List<String> words, int[][] train, int[][] validation) {

        /** The tokens of one row of {@code rows} ({@link #train()} or {@link #validation()}). */
        public List<String> text(int[][] rows, int row) {
            List<String> tokens = new ArrayList<>(rows[row].length);
            for (int word : rows[row]) {
                tokens.add(words.get(word));
            }
            return tokens;
        }
    }

    /** One file as it was read: what the parser found, its rows, and the SHA-256 of its bytes. */
    record FileRows(DatasetParser.Summary summary, TokenisedRows rows, String sha256) {
    }

    /**
     * Checks the rows for what training needs, splits them and encodes them with a vocabulary of the
     * training rows' words.
     *
     * @param validation rows of a separate validation file, or {@code null} to hold out a split
     * @param words the word table both files were read into
     * @param feedbackAdded stored corrections appended to {@code data}'s rows (they come last)
     * @param feedbackDuplicates stored corrections left out as duplicates
     * @param keepHeldOutTexts keep {@link #heldOutTexts()} (else it is null)
     */
    static PreparedDataset prepare(FileRows data, FileRows validation, WordTable words, double validationSplit, long seed,
                                   int minExamplesPerLabel, HyperParameters hp, int feedbackAdded, int feedbackDuplicates,
                                   boolean keepHeldOutTexts) {
        return prepare(data, validation, words, validationSplit, seed, minExamplesPerLabel, hp, feedbackAdded,
                feedbackDuplicates, keepHeldOutTexts, false, false);
    }

    /**
     * The same; with {@code holdOutSentences}, a split holds out only whole sentences (rows that are not part
     * of a longer row) and leaves every row inside a held-out sentence out of training ({@link SentenceHoldOut}).
     *
     * @param keepTokens keep {@link #tokens()} (else it is null)
     */
    static PreparedDataset prepare(FileRows data, FileRows validation, WordTable words, double validationSplit, long seed,
                                   int minExamplesPerLabel, HyperParameters hp, int feedbackAdded, int feedbackDuplicates,
                                   boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens) {
        return prepare(data, validation, words, validationSplit, seed, minExamplesPerLabel, hp, feedbackAdded,
                feedbackDuplicates, keepHeldOutTexts, holdOutSentences, keepTokens, null);
    }

    /** The same; with {@code encoder} (the one {@code hp} names), the examples are its piece sequences. */
    static PreparedDataset prepare(FileRows data, FileRows validation, WordTable words, double validationSplit, long seed,
                                   int minExamplesPerLabel, HyperParameters hp, int feedbackAdded, int feedbackDuplicates,
                                   boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                                   PretrainedEncoder encoder) {
        return prepare(data, validation, words, validationSplit, seed, minExamplesPerLabel, hp, feedbackAdded,
                feedbackDuplicates, keepHeldOutTexts, holdOutSentences, keepTokens, encoder, List.of());
    }

    /**
     * The same, and the same rows also as the pieces of each of {@code alsoAsPiecesOf}, cut to
     * {@code hp.maxSequenceLength()} pieces ({@link #encoderViews()}).
     */
    static PreparedDataset prepare(FileRows data, FileRows validation, WordTable words, double validationSplit, long seed,
                                   int minExamplesPerLabel, HyperParameters hp, int feedbackAdded, int feedbackDuplicates,
                                   boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                                   PretrainedEncoder encoder, List<PretrainedEncoder> alsoAsPiecesOf) {
        return prepare(data, validation, words, validationSplit, seed, minExamplesPerLabel, hp, feedbackAdded,
                feedbackDuplicates, keepHeldOutTexts, holdOutSentences, keepTokens, encoder, alsoAsPiecesOf, null,
                DatasetOptions.DEFAULT_LABEL_SEPARATOR);
    }

    /**
     * The same, for the {@code task} of {@link DatasetOptions}: with multi-label data, each label field is the
     * text's labels joined by {@code separator}; the labels are every label any row has, the examples carry
     * multi-hot targets, and the split is stratified on label combinations ({@link MultiLabelRows}).
     */
    static PreparedDataset prepare(FileRows data, FileRows validation, WordTable words, double validationSplit, long seed,
                                   int minExamplesPerLabel, HyperParameters hp, int feedbackAdded, int feedbackDuplicates,
                                   boolean keepHeldOutTexts, boolean holdOutSentences, boolean keepTokens,
                                   PretrainedEncoder encoder, List<PretrainedEncoder> alsoAsPiecesOf, String task,
                                   String separator) {
        TokenisedRows rows = data.rows();
        // null for single-label data
        MultiLabelRows multi = MultiLabelRows.applies(task, separator, data, validation)
                ? new MultiLabelRows(separator) : null;
        List<String> errors = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        if (multi != null) {
            counts = multi.labelCounts(rows);
        } else {
            for (int r = 0; r < rows.size(); r++) {
                counts.merge(rows.label(r), 1, Integer::sum);
            }
        }
        if (rows.size() == 0) {
            errors.add("no usable rows (every row was empty)");
        } else if (multi != null && counts.size() < 2) {
            errors.add("a multi-label job needs at least 2 different labels, found " + counts.size()
                    + (counts.isEmpty() ? "" : " ('" + counts.keySet().iterator().next() + "')"));
        } else if (counts.size() < 2) {
            errors.add("at least 2 different labels are needed, found 1 ('" + counts.keySet().iterator().next() + "')");
        } else if (counts.size() > MAX_LABELS) {
            errors.add("more than " + MAX_LABELS + " different labels (" + counts.size()
                    + "): is the label column the right one?");
        } else {
            (counts).forEach((label, count) -> {
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
        Map<String, Integer> labelIndex = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            labelIndex.put(labels.get(i), i);
        }
        // what a split is stratified on: each row's label, or its label combination (rare ones pooled)
        int[] rowLabels = new int[rows.size()];
        int strata = labels.size();
        if (multi != null) {
            int[] count = new int[1];
            rowLabels = multi.strata(rows, validationSplit, count);
            strata = count[0];
            // a multi-label example's label index is its first label's (the targets say which it has)
            labelIndex = multi.firstLabelIndex(labels, rows, validation == null ? null : validation.rows());
        } else {
            for (int r = 0; r < rowLabels.length; r++) {
                rowLabels[r] = labelIndex.get(rows.label(r));
            }
        }

        int[] trainRows;
        int[] validationRows;
        Integer phrasesLeftOut = null;
        TokenisedRows validationSource;
        String validationKind;
        if (validation != null) {
            validationSource = validation.rows();
            List<String> unknown = new ArrayList<>();
            for (int r = 0; r < validationSource.size(); r++) {
                List<String> rowLabelList = multi != null ? multi.labels(validationSource.label(r))
                        : List.of(validationSource.label(r));
                for (String label : rowLabelList) {
                    if (!counts.containsKey(label) && !unknown.contains(label) && unknown.size() < 10) {
                        unknown.add(label);
                    }
                }
            }
            if (!unknown.isEmpty()) {
                throw InvalidDatasetException.of("validation", "labels not in the training data: " + String.join(", ", unknown));
            }
            if (validationSource.size() == 0) {
                throw InvalidDatasetException.of("validation", "no usable rows");
            }
            trainRows = allRows(rows.size());
            validationRows = allRows(validationSource.size());
            validationKind = "file";
        } else if (holdOutSentences) {
            int[] identity = identity(words);
            int[] sentences = SentenceHoldOut.sentences(rows, identity);
            int[] sentenceLabels = new int[sentences.length];
            for (int i = 0; i < sentences.length; i++) {
                sentenceLabels[i] = rowLabels[sentences[i]];
            }
            int[] heldIndex = stratifiedSplit(sentenceLabels, strata, validationSplit, seed)[1];
            validationRows = new int[heldIndex.length];
            boolean[] held = new boolean[rows.size()];
            for (int i = 0; i < heldIndex.length; i++) {
                validationRows[i] = sentences[heldIndex[i]];
                held[validationRows[i]] = true;
            }
            int[] others = java.util.stream.IntStream.range(0, rows.size()).filter(r -> !held[r]).toArray();
            trainRows = SentenceHoldOut.outside(rows, others, validationRows, identity);
            phrasesLeftOut = others.length - trainRows.length;
            validationSource = rows;
            validationKind = "sentences";
            if (validationRows.length == 0) {
                throw InvalidDatasetException.of("data", "the validation split (" + validationSplit
                        + ") holds out no sentence: upload more rows or raise validationSplit");
            }
        } else {
            int[][] split = stratifiedSplit(rowLabels, strata, validationSplit, seed);
            trainRows = split[0];
            validationRows = split[1];
            validationSource = rows;
            validationKind = "split";
            if (validationRows.length == 0) {
                throw InvalidDatasetException.of("data", "the validation split (" + validationSplit
                        + ") leaves no validation examples: upload more rows, raise validationSplit or upload a validation file");
            }
        }
        int heldBefore = validationRows.length;
        validationRows = unseenInTraining(rows, trainRows, validationSource, validationRows, words.size());
        if (validationRows.length == 0) {
            throw InvalidDatasetException.of(validation != null ? "validation" : "data", "every validation "
                    + "example also occurs in the training data (same tokens): nothing is left to validate on");
        }
        Vocabulary vocabulary;
        EncodedTexts train;
        EncodedTexts held;
        // a multi-label job trains on texts cut to maxSequenceLength: windows (longText chunk) are made for
        // single-label targets only; its version still reads long texts as its setting says when it serves
        HyperParameters read = multi != null ? hp.withLongText(LongText.TRUNCATE, 0) : hp;
        if (encoder == null) {
            vocabulary = vocabulary(rows, trainRows, words, hp);
            int[] ids = new int[words.size()];
            for (int w = 0; w < ids.length; w++) {
                ids[w] = vocabulary.idOf(words.word(w));
            }
            // texts read in windows (longText chunk) are kept whole: the windows are made for training
            train = encode(rows, trainRows, ids, labelIndex, TextWindows.keptLength(read));
            held = encode(validationSource, validationRows, ids, labelIndex, TextWindows.keptLength(read));
        } else {
            vocabulary = Vocabulary.reservedOnly();
            train = pieces(rows, trainRows, words, encoder, labelIndex, read);
            held = pieces(validationSource, validationRows, words, encoder, labelIndex, read);
        }
        if (multi != null) {
            train = multi.withTargets(train, rows, trainRows, labels);
            held = multi.withTargets(held, validationSource, validationRows, labels);
        }
        List<ConfigurationSearch.View> encoderViews = new ArrayList<>();
        for (PretrainedEncoder other : alsoAsPiecesOf) {
            EncodedTexts otherTrain = pieces(rows, trainRows, words, other, labelIndex, read);
            EncodedTexts otherHeld = pieces(validationSource, validationRows, words, other, labelIndex, read);
            if (multi != null) {
                otherTrain = multi.withTargets(otherTrain, rows, trainRows, labels);
                otherHeld = multi.withTargets(otherHeld, validationSource, validationRows, labels);
            }
            encoderViews.add(new ConfigurationSearch.View(other.name(), Vocabulary.reservedOnly(), otherTrain,
                    otherHeld));
        }
        int uploadRows = rows.size() - feedbackAdded;
        DatasetReport report = new DatasetReport(data.summary().format().name().toLowerCase(), data.sha256(),
                data.summary().rowsRead(), uploadRows, data.summary().rowsRead() - uploadRows,
                data.summary().skipped(), new LinkedHashMap<>(counts), train.size(), held.size(), validationKind,
                heldBefore - validationRows.length, feedbackAdded, feedbackDuplicates, phrasesLeftOut,
                multi == null ? null : multi.combinationCounts(rows));
        LabelledTexts heldOutTexts = keepHeldOutTexts
                ? texts(validationSource, validationRows, words, held.labels()) : null;
        if (heldOutTexts != null && multi != null) {
            heldOutTexts = new LabelledTexts(heldOutTexts.texts(), heldOutTexts.labels(),
                    multi.labelSets(validationSource, validationRows));
        }
        RowTokens tokens = keepTokens ? new RowTokens(
                java.util.stream.IntStream.range(0, words.size()).mapToObj(words::word).toList(),
                wholeRows(rows, trainRows, words.size()), wholeRows(validationSource, validationRows, words.size()))
                : null;
        return new PreparedDataset(labels, vocabulary, train, held, heldOutTexts, report, tokens,
                List.copyOf(encoderViews));
    }

    /** The given rows' tokens, every one, as word numbers. */
    private static int[][] wholeRows(TokenisedRows rows, int[] which, int wordCount) {
        int[] identity = new int[wordCount];
        Arrays.setAll(identity, w -> w);
        int[][] out = new int[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = rows.tokens(which[i], rows.length(which[i]), identity);
        }
        return out;
    }


    private static int[] allRows(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Per label (in label order), a seeded shuffle of its rows, then the first {@code fraction} of them
     * (rounded) goes to validation. The shuffle is {@code Collections.shuffle}'s, on row numbers.
     *
     * @return the training rows and the validation rows
     */
    static int[][] stratifiedSplit(int[] rowLabels, int labelCount, double fraction, long seed) {
        int[][] groups = LabelStrata.shuffled(rowLabels, labelCount, seed);
        int[] train = new int[rowLabels.length];
        int[] validation = new int[rowLabels.length];
        int trainCount = 0;
        int validationCount = 0;
        for (int[] group : groups) {
            int held = (int) Math.round(group.length * fraction);
            if (held >= group.length) {
                // a group keeps one row for training; an empty one (the pooled stratum of a multi-label split
                // without rare combinations) holds nothing back
                held = Math.max(0, group.length - 1);
            }
            System.arraycopy(group, 0, validation, validationCount, held);
            validationCount += held;
            System.arraycopy(group, held, train, trainCount, group.length - held);
            trainCount += group.length - held;
        }
        return new int[][] {java.util.Arrays.copyOf(train, trainCount), java.util.Arrays.copyOf(validation, validationCount)};
    }

    /** The vocabulary of the training rows' words, every token of each text counted. */
    private static Vocabulary vocabulary(TokenisedRows rows, int[] trainRows, WordTable words, HyperParameters hp) {
        int[] frequency = new int[words.size()];
        for (int row : trainRows) {
            rows.count(row, frequency);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int w = 0; w < frequency.length; w++) {
            if (frequency[w] > 0) {
                counts.put(words.word(w), frequency[w]);
            }
        }
        return Vocabulary.fromCounts(counts, hp.minWordFrequency(), hp.maxVocabularySize());
    }

    /** The given rows as vocabulary ids, cut as {@link Vocabulary#encode} cuts them. */
    /**
     * The validation rows whose tokens no training row has: a copy of a training example says nothing about
     * unseen text. Exact: rows are compared token by token, after a hash narrows the candidates; only the
     * validation rows are indexed, so the memory this takes follows the validation size.
     */
    private static int[] unseenInTraining(TokenisedRows train, int[] trainRows, TokenisedRows held, int[] heldRows,
                                          int wordCount) {
        int[] identity = new int[wordCount];
        Arrays.setAll(identity, w -> w);
        Map<Integer, List<Integer>> byHash = new HashMap<>();
        for (int i = 0; i < heldRows.length; i++) {
            int[] tokens = held.tokens(heldRows[i], held.length(heldRows[i]), identity);
            byHash.computeIfAbsent(Arrays.hashCode(tokens), k -> new ArrayList<>()).add(i);
        }
        boolean[] seen = new boolean[heldRows.length];
        for (int row : trainRows) {
            int[] tokens = train.tokens(row, train.length(row), identity);
            List<Integer> candidates = byHash.get(Arrays.hashCode(tokens));
            if (candidates == null) {
                continue;
            }
            for (int i : candidates) {
                if (!seen[i] && Arrays.equals(tokens, held.tokens(heldRows[i], held.length(heldRows[i]), identity))) {
                    seen[i] = true;
                }
            }
        }
        int kept = 0;
        for (boolean s : seen) {
            kept += s ? 0 : 1;
        }
        int[] out = new int[kept];
        int k = 0;
        for (int i = 0; i < heldRows.length; i++) {
            if (!seen[i]) {
                out[k++] = heldRows[i];
            }
        }
        return out;
    }

    private static LabelledTexts texts(TokenisedRows rows, int[] which, WordTable words, int[] labels) {
        int[] identity = identity(words);
        List<String> texts = new ArrayList<>(which.length);
        for (int row : which) {
            texts.add(String.join(" ", tokens(rows, row, rows.length(row), words, identity)));
        }
        return new LabelledTexts(texts, labels);
    }

    /** The first {@code length} tokens of a row as words. */
    private static List<String> tokens(TokenisedRows rows, int row, int length, WordTable words, int[] identity) {
        int[] ids = rows.tokens(row, length, identity);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(words.word(id));
        }
        return tokens;
    }

    private static int[] identity(WordTable words) {
        int[] identity = new int[words.size()];
        Arrays.setAll(identity, w -> w);
        return identity;
    }

    /**
     * The given rows as the encoder's pieces, at most {@code maxLength} of them. Only the first
     * {@code maxLength} tokens are joined: every token gives at least one piece, so later ones would be cut.
     */
    private static EncodedTexts pieces(TokenisedRows rows, int[] which, WordTable words, PretrainedEncoder encoder,
                                       Map<String, Integer> labelIndex, HyperParameters hp) {
        int maxLength = hp.maxSequenceLength();
        boolean whole = hp.longTextReading() == LongText.CHUNK;
        int[] identity = identity(words);
        int[][] sequences = new int[which.length][];
        int[] labels = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            int row = which[i];
            List<String> tokens = tokens(rows, row, whole ? rows.length(row) : Math.min(rows.length(row), maxLength),
                    words, identity);
            // texts read in windows (longText chunk) keep all their pieces: the windows are made for training
            sequences[i] = whole ? EncoderPieces.whole(encoder, tokens, maxLength)
                    : EncoderPieces.of(encoder, tokens, maxLength);
            labels[i] = labelIndex.get(rows.label(row));
        }
        return new EncodedTexts(sequences, labels);
    }

    private static EncodedTexts encode(TokenisedRows rows, int[] which, int[] ids, Map<String, Integer> labelIndex,
                                       int maxLength) {
        int[][] sequences = new int[which.length][];
        int[] labels = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            int row = which[i];
            int length = Math.min(rows.length(row), maxLength);
            sequences[i] = length == 0 ? new int[] {Vocabulary.UNKNOWN_ID} : rows.tokens(row, length, ids);
            labels[i] = labelIndex.get(rows.label(row));
        }
        return new EncodedTexts(sequences, labels);
    }
}
