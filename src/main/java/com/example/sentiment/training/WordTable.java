package com.example.sentiment.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every distinct token of an upload, each stored once and numbered in order of first sight, so that rows can
 * be kept as arrays of these numbers instead of strings. The training and validation files share one table.
 */
final class WordTable {

    /**
     * Heap per distinct word: a HashMap node and table slot, the String and its byte array (short words), the
     * boxed id and the list slot. Measured with a heap histogram on the benchmark files (docs/benchmarks.md).
     */
    static final long BYTES_PER_WORD = 120;

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> words = new ArrayList<>();
    private final MemoryBudget.Claim memory;

    WordTable(MemoryBudget.Claim memory) {
        this.memory = memory;
    }

    /** The number of {@code word}, adding it when new. */
    int idOf(String word) {
        Integer id = ids.get(word);
        if (id != null) {
            return id;
        }
        memory.add(BYTES_PER_WORD + word.length());
        int next = words.size();
        ids.put(word, next);
        words.add(word);
        return next;
    }

    int size() {
        return words.size();
    }

    String word(int id) {
        return words.get(id);
    }
}
