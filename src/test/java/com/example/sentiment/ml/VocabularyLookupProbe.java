package com.example.sentiment.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 26's serving hot path, in-process: the word-id lookups of {@link Vocabulary#encode} against the
 * {@code HashMap<String, Integer>} they replaced, on the tokens of real texts. Not a test (no assertion of speed);
 * run by hand, the command is in docs/benchmarks.md.
 *
 * <p>Every block tokenises the texts afresh, as a request does, so that each token is a new string whose hash is
 * not cached yet; a block of tokenising alone is subtracted. Blocks alternate (map, table, tokenising only) so
 * that a busy machine's swings fall on all three alike, and each is timed in the thread's CPU time; the medians
 * are printed as one JSON line (nanoseconds of CPU per token).
 */
final class VocabularyLookupProbe {

    private VocabularyLookupProbe() {
    }

    public static void main(String[] args) throws IOException {
        Path vocabularyFile = Path.of(args.length > 0 ? args[0] : "models/20261129-130908-d56a/vocabulary.txt");
        Path data = Path.of(args.length > 1 ? args[1] : "/work/shared/datasets/sst2/dev.csv");
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        Vocabulary vocabulary = Vocabulary.read(vocabularyFile);
        Map<String, Integer> map = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            map.put(vocabulary.wordAt(i), i);
        }
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(data).subList(1, Files.readAllLines(data).size())) {
            texts.add(line.substring(0, Math.max(0, line.lastIndexOf(','))));
        }
        Tokenizer tokenizer = new Tokenizer();
        // the same answers first
        for (String text : texts) {
            List<String> tokens = tokenizer.tokenize(text);
            if (!Arrays.equals(vocabulary.encode(tokens, 100), mapEncode(map, tokens, 100))) {
                throw new IllegalStateException("different ids for " + text);
            }
        }
        long tokenCount = texts.stream().mapToLong(t -> tokenizer.tokenize(t).size()).sum();
        double[][] nanosPerToken = new double[3][rounds];
        for (int warm = 0; warm < 3; warm++) {
            for (int kind = 0; kind < 3; kind++) {
                block(kind, texts, tokenizer, vocabulary, map, tokenCount, seconds / 2);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int kind = 0; kind < 3; kind++) {
                nanosPerToken[kind][r] = block(kind, texts, tokenizer, vocabulary, map, tokenCount, seconds);
            }
        }
        double map_ = median(nanosPerToken[0]);
        double table = median(nanosPerToken[1]);
        double tokenising = median(nanosPerToken[2]);
        System.out.printf("{\"case\":\"vocabulary-lookup\",\"texts\":%d,\"tokens\":%d,\"vocabulary\":%d,"
                        + "\"tokeniseAndHashMapNsPerToken\":%.1f,\"tokeniseAndTableNsPerToken\":%.1f,"
                        + "\"tokeniseOnlyNsPerToken\":%.1f,\"lookupHashMapNsPerToken\":%.1f,\"lookupTableNsPerToken\":%.1f,"
                        + "\"lookupSpeedup\":%.2f,\"tokeniseAndLookupSpeedup\":%.2f}%n",
                texts.size(), tokenCount, vocabulary.size(), map_, table, tokenising, map_ - tokenising,
                table - tokenising, (map_ - tokenising) / (table - tokenising), map_ / table);
    }

    private static int sink;

    /** Nanoseconds per token of one block of {@code kind}: 0 the map, 1 the vocabulary, 2 tokenising alone. */
    private static double block(int kind, List<String> texts, Tokenizer tokenizer, Vocabulary vocabulary,
                                Map<String, Integer> map, long tokenCount, double seconds) {
        // the thread's CPU time, not the wall clock: on a shared machine the wall clock counts other processes' turns
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long passes = 0;
        int acc = 0;
        do {
            for (String text : texts) {
                List<String> tokens = tokenizer.tokenize(text);
                int[] ids = switch (kind) {
                    case 0 -> mapEncode(map, tokens, 100);
                    case 1 -> vocabulary.encode(tokens, 100);
                    default -> new int[] {tokens.size()};
                };
                acc += ids[ids.length - 1];
            }
            passes++;
        } while (System.nanoTime() < end);
        sink += acc;
        return (threads.getCurrentThreadCpuTime() - cpuStart) / (double) (passes * tokenCount);
    }

    /** The lookups as they were: {@code HashMap.getOrDefault} per token. */
    private static int[] mapEncode(Map<String, Integer> map, List<String> tokens, int maxLength) {
        int length = Math.min(tokens.size(), maxLength);
        if (length == 0) {
            return new int[] {Vocabulary.UNKNOWN_ID};
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = map.getOrDefault(tokens.get(i), Vocabulary.UNKNOWN_ID);
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
