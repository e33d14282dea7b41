package com.example.sentiment.dataset;

import com.example.sentiment.ml.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of one file as they are read, kept only as training needs them: each text tokenised at once into
 * numbers of a shared {@link WordTable} (4 bytes a token, in chunks that never need copying) and each label
 * as a number. The text itself is dropped as soon as it is tokenised.
 *
 * <p>Every token is kept, not only the first {@code maxSequenceLength}, because the vocabulary counts words
 * over whole texts of the training rows, and which rows are training rows is known only after the split.
 */
final class TokenisedRows implements DatasetParser.RowSink {

    /** Heap per row while reading: where its tokens end and its label. */
    static final long BYTES_PER_ROW = 8;
    /** Heap per token while reading. */
    static final long BYTES_PER_TOKEN = 4;
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private final String part;
    private final WordTable words;
    private final Tokenizer tokenizer;
    private final MemoryBudget.Claim memory;
    private final Map<String, Integer> labelIds = new LinkedHashMap<>();
    private final List<String> labelNames = new ArrayList<>();
    private final List<int[]> chunks = new ArrayList<>();
    private int[] ends = new int[1024];
    private int[] labels = new int[1024];
    private int rows;
    private long tokens;

    TokenisedRows(String part, WordTable words, Tokenizer tokenizer, MemoryBudget.Claim memory) {
        this.part = part;
        this.words = words;
        this.tokenizer = tokenizer;
        this.memory = memory;
    }

    @Override
    public void accept(int line, String text, String label) {
        Integer labelId = labelIds.get(label);
        if (labelId == null) {
            if (labelIds.size() >= PreparedDataset.MAX_LABELS) {
                // a text column read as labels would otherwise keep every text as a label
                throw InvalidDatasetException.of(part, "more than " + PreparedDataset.MAX_LABELS
                        + " different labels: is the label column the right one?");
            }
            labelId = labelIds.size();
            labelIds.put(label, labelId);
            labelNames.add(label);
        }
        for (String token : tokenizer.tokenize(text)) {
            append(words.idOf(token));
        }
        // what the row will take once encoded and while it trains, then the arrays that hold it while reading
        memory.add(MemoryBudget.BYTES_PER_ROW - BYTES_PER_ROW);
        if (rows == ends.length) {
            int grown = rows + (rows >> 1);
            memory.add((grown - rows) * BYTES_PER_ROW);
            ends = Arrays.copyOf(ends, grown);
            labels = Arrays.copyOf(labels, grown);
        }
        if (tokens > Integer.MAX_VALUE) {
            throw InvalidDatasetException.of(part, "more than " + Integer.MAX_VALUE + " tokens");
        }
        ends[rows] = (int) tokens;
        labels[rows] = labelId;
        rows++;
    }

    private void append(int wordId) {
        int offset = (int) (tokens & (CHUNK - 1));
        if (offset == 0) {
            memory.add(CHUNK * MemoryBudget.BYTES_PER_TOKEN);
            chunks.add(new int[CHUNK]);
        }
        chunks.get(chunks.size() - 1)[offset] = wordId;
        tokens++;
    }

    int size() {
        return rows;
    }

    /**
     * Appends the corrections that add something: not one whose tokens and label a row already has, and of
     * several corrections of one text only the first (the newest). Returns how many were appended.
     */
    int appendNew(List<DatasetReader.Row> newestFirst) {
        if (newestFirst.isEmpty()) {
            return 0;
        }
        Map<List<Integer>, Set<String>> wanted = new LinkedHashMap<>();
        List<DatasetReader.Row> candidates = new ArrayList<>();
        Set<String> texts = new HashSet<>();
        for (DatasetReader.Row c : newestFirst) {
            if (texts.add(c.text())) {
                candidates.add(c);
                wanted.computeIfAbsent(wordIds(c.text()), k -> new HashSet<>()).add(c.label());
            }
        }
        // one pass over the rows read: which (tokens, label) pairs of the corrections the file already has
        Set<Integer> lengths = new HashSet<>();
        wanted.keySet().forEach(k -> lengths.add(k.size()));
        int[] identity = new int[words.size()];
        Arrays.setAll(identity, w -> w);
        Set<String> present = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            if (!lengths.contains(length(r))) {
                continue;
            }
            List<Integer> key = Arrays.stream(tokens(r, length(r), identity)).boxed().toList();
            Set<String> labelsWanted = wanted.get(key);
            if (labelsWanted != null && labelsWanted.contains(label(r))) {
                present.add(key + "\u0000" + label(r));
            }
        }
        int added = 0;
        for (DatasetReader.Row c : candidates) {
            if (present.add(wordIds(c.text()) + "\u0000" + c.label())) {
                accept(c.line(), c.text(), c.label());
                added++;
            }
        }
        return added;
    }

    private List<Integer> wordIds(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String token : tokenizer.tokenize(text)) {
            ids.add(words.idOf(token));
        }
        return ids;
    }

    /** Every different label field read so far, in the order first seen. */
    List<String> labelNames() {
        return java.util.Collections.unmodifiableList(labelNames);
    }

    /** The label of row {@code row}, as a name. */
    String label(int row) {
        return labelNames.get(labels[row]);
    }

    int length(int row) {
        return ends[row] - start(row);
    }

    /** Adds one to {@code frequency[w]} for every token {@code w} of row {@code row}. */
    void count(int row, int[] frequency) {
        int end = ends[row];
        for (int at = start(row); at < end; at++) {
            frequency[chunks.get(at >>> CHUNK_BITS)[at & (CHUNK - 1)]]++;
        }
    }

    /** The first {@code length} tokens of row {@code row}, each mapped through {@code ids}. */
    int[] tokens(int row, int length, int[] ids) {
        int[] out = new int[length];
        int at = start(row);
        for (int t = 0; t < length; t++, at++) {
            out[t] = ids[chunks.get(at >>> CHUNK_BITS)[at & (CHUNK - 1)]];
        }
        return out;
    }

    private int start(int row) {
        return row == 0 ? 0 : ends[row - 1];
    }
}
