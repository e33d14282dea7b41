package com.example.sentiment.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Every distinct token of an upload, each stored once and numbered in order of first sight, so that rows can
 * be kept as arrays of these numbers instead of strings. The training and validation files share one table.
 *
 * <p>It is looked up once for every token of the file, so it is an open-addressing table of parallel arrays
 * (hash, word, number) rather than a {@code HashMap}, whose nodes and boxed numbers cost two more memory
 * loads a look-up.
 */
final class WordTable {

    /**
     * Heap per distinct word: its slots in the table at half load, the String and its byte array (short
     * words), its list slot.
     */
    static final long BYTES_PER_WORD = 120;

    private final MemoryBudget.Claim memory;
    private final List<String> words = new ArrayList<>();
    private String[] keys = new String[1 << 12];
    private int[] hashes = new int[keys.length];
    private int[] ids = new int[keys.length];

    WordTable(MemoryBudget.Claim memory) {
        this.memory = memory;
    }

    /** The number of {@code word}, adding it when new. */
    int idOf(String word) {
        int hash = word.hashCode();
        int mask = keys.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key == null) {
                return add(word, hash, slot);
            }
            if (hashes[slot] == hash && key.equals(word)) {
                return ids[slot];
            }
        }
    }

    private int add(String word, int hash, int slot) {
        memory.add(BYTES_PER_WORD + word.length());
        int id = words.size();
        words.add(word);
        keys[slot] = word;
        hashes[slot] = hash;
        ids[slot] = id;
        if (words.size() * 2 > keys.length) {
            grow();
        }
        return id;
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        int[] oldIds = ids;
        keys = new String[oldKeys.length * 2];
        hashes = new int[keys.length];
        ids = new int[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = spread(oldHashes[i]) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                hashes[slot] = oldHashes[i];
                ids[slot] = oldIds[i];
            }
        }
    }

    /** As {@code HashMap} does: the high bits of a string's hash take part in its slot too. */
    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    int size() {
        return words.size();
    }

    String word(int id) {
        return words.get(id);
    }
}
