package com.example.sentiment.ml;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The nearest words of each word of a vocabulary, by the cosine of their pre-computed vectors, among the most
 * frequent words of the vectors file: the words a {@link TextAugmentation} swaps in.
 *
 * <p>Computed once per job for the words of its training data only, against the first {@code candidates} rows of
 * the file (GloVe's files are sorted by frequency, so rare and misspelt words are never swapped in): all
 * similarities of a block of words are one matrix product, of which each row keeps its best few.
 *
 * <p>Only words with a letter get neighbours, and only words with a letter are neighbours: punctuation and
 * numbers sit close to each other in GloVe, and swapping them says nothing about a text. Tang et al. (2019)
 * swap a word for one of the same part of speech; nearest neighbours stand in for that here (they are mostly of
 * the same part of speech, and may be antonyms: the teacher labels every augmented text, so that is no harm).
 */
public final class WordNeighbours {

    /** Neighbours of none. */
    public static final WordNeighbours NONE = new WordNeighbours(Map.of());

    // rows of the similarity matrix computed at once: 128 x 50,000 floats are 25 MB
    private static final int BLOCK = 128;
    private static final String[] NO_NEIGHBOURS = new String[0];

    private final Map<String, String[]> neighbours;

    private WordNeighbours(Map<String, String[]> neighbours) {
        this.neighbours = neighbours;
    }

    /** Neighbours given outright (for tests of what uses them). */
    public static WordNeighbours of(Map<String, List<String>> lists) {
        Map<String, String[]> copy = new HashMap<>();
        lists.forEach((word, list) -> copy.put(word, list.toArray(String[]::new)));
        return new WordNeighbours(copy);
    }

    /**
     * @param words the words to find neighbours for; those without a vector or a letter get none
     * @param candidates how many of the table's first (most frequent) words may be neighbours
     * @param perWord neighbours kept per word, nearest first
     */
    public static WordNeighbours compute(WordVectorTable table, Collection<String> words, int candidates, int perWord) {
        int d = table.dimensions();
        String[] pool = Arrays.stream(table.firstWords(candidates))
                .filter(w -> w != null && hasLetter(w)).toArray(String[]::new);
        float[] poolVectors = unitRows(table, pool, d);
        String[] asked = words.stream().filter(w -> hasLetter(w) && table.copyVector(w, new float[d]))
                .distinct().toArray(String[]::new);
        Map<String, String[]> found = new HashMap<>(asked.length * 2);
        if (pool.length == 0 || asked.length == 0) {
            return new WordNeighbours(found);
        }
        INDArray poolMatrix = Nd4j.create(poolVectors, new long[] {pool.length, d}, 'c');
        for (int from = 0; from < asked.length; from += BLOCK) {
            String[] block = Arrays.copyOfRange(asked, from, Math.min(asked.length, from + BLOCK));
            INDArray queries = Nd4j.create(unitRows(table, block, d), new long[] {block.length, d}, 'c');
            // [block, pool] in row order: the cosines, since both sides are unit vectors (gemm with the transpose
            // flag measured 3-4 times faster than mmul of a transposed view)
            INDArray similarities = Nd4j.gemm(queries, poolMatrix, false, true);
            float[] cosines = (similarities.ordering() == 'c' ? similarities : similarities.dup('c')).data().asFloat();
            for (int q = 0; q < block.length; q++) {
                found.put(block[q], nearest(cosines, q * pool.length, pool, block[q], perWord));
            }
        }
        return new WordNeighbours(found);
    }

    /** The {@code k} best-scoring pool words of one row of cosines, the word itself excluded, best first. */
    private static String[] nearest(float[] cosines, int offset, String[] pool, String word, int k) {
        int[] best = new int[k];
        float[] scores = new float[k];
        int kept = 0;
        for (int c = 0; c < pool.length; c++) {
            float score = cosines[offset + c];
            if (kept == k && score <= scores[k - 1]) {
                continue;
            }
            if (pool[c].equals(word)) {
                continue;
            }
            // insertion into the short sorted list
            int at = kept < k ? kept++ : k - 1;
            while (at > 0 && scores[at - 1] < score) {
                scores[at] = scores[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            scores[at] = score;
            best[at] = c;
        }
        String[] out = new String[kept];
        for (int i = 0; i < kept; i++) {
            out[i] = pool[best[i]];
        }
        return out;
    }

    private static float[] unitRows(WordVectorTable table, String[] words, int d) {
        float[] out = new float[words.length * d];
        float[] v = new float[d];
        for (int i = 0; i < words.length; i++) {
            table.copyVector(words[i], v);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < d; j++) {
                out[i * d + j] = v[j] * scale;
            }
        }
        return out;
    }

    private static boolean hasLetter(String word) {
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            if (Character.isLetter(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /** The neighbours of {@code word}, nearest first; empty when it has none. */
    public String[] of(String word) {
        return neighbours.getOrDefault(word, NO_NEIGHBOURS);
    }

    /** Words that have neighbours. */
    public int size() {
        return neighbours.size();
    }
}
