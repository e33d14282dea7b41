package com.example.sentiment.ml;

import java.util.Arrays;
import java.util.List;

/**
 * How a text reaches an encoder, the same in training and in serving: as the service's own tokens
 * ({@link Tokenizer}) joined by single spaces. Training keeps only tokens, never the uploaded text, and the
 * encoder's tokenizer splits punctuation from words anyway; and a classification of tokens (an explanation's
 * texts with a word left out) runs the encoder again on exactly what it reads.
 */
public final class EncoderPieces {

    /** The pieces of one text, and whether it had more than were kept. */
    record Cut(int[] pieces, boolean truncated) {
    }

    private static final String MASK = "[MASK]";

    private EncoderPieces() {
    }

    /**
     * The encoder's piece ids of {@code tokens}, its start and end markers included, at most {@code maxPieces}
     * of them (at least 2: the markers).
     */
    public static int[] of(PretrainedEncoder encoder, List<String> tokens, int maxPieces) {
        return encoder.pieces(joined(tokens), Math.max(2, maxPieces));
    }

    /**
     * All the encoder's piece ids of {@code tokens}, however many (an encoder cuts at its own longest input), with
     * its start and end markers: what {@link LongText#CHUNK} windows. A text of at most {@code maxPieces} pieces
     * gets them as {@link #of} gives them; a longer one gets each token's own pieces in turn, which is what the
     * encoders' tokenizers give for the text (they split at whitespace before they cut words into pieces, see
     * {@link #wordOfPiece}).
     */
    public static int[] whole(PretrainedEncoder encoder, List<String> tokens, int maxPieces) {
        int kept = Math.max(2, maxPieces);
        int[] first = encoder.pieces(joined(tokens), kept + 1);
        if (first.length <= kept) {
            return first;
        }
        java.util.Map<String, int[]> known = new java.util.HashMap<>();
        int[] all = new int[Math.max(16, first.length * 2)];
        all[0] = first[0];
        int at = 1;
        for (String token : tokens) {
            int[] own = known.computeIfAbsent(token,
                    t -> encoder.pieces(joined(List.of(t)), 2 * t.length() + 8));
            int needed = at + own.length;
            if (needed >= all.length) {
                all = Arrays.copyOf(all, Math.max(needed + 1, all.length * 2));
            }
            System.arraycopy(own, 1, all, at, own.length - 2);
            at += own.length - 2;
        }
        all[at++] = first[first.length - 1];
        return Arrays.copyOf(all, at);
    }

    /**
     * The tokens joined by spaces, the unknown-word token written as the encoders' {@code [MASK]} piece: a
     * distillation's masked copies hold {@link Vocabulary#UNKNOWN}, which the encoder's tokenizer would otherwise
     * split into three pieces of punctuation and a word.
     */
    static String joined(List<String> tokens) {
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(Vocabulary.UNKNOWN.equals(token) ? MASK : token);
        }
        return text.toString();
    }

    /**
     * For each of {@code pieces} (as {@link #of} gave them for {@code tokens}), the index in {@code tokens} of the
     * word it came from, or -1 for the start and end markers. The encoders' tokenizers split at whitespace before
     * they cut words into pieces, so the text's pieces are each token's own pieces in turn; a text cut short
     * keeps its first pieces, then the end marker.
     *
     * @throws IllegalStateException when the encoder splits the text otherwise
     */
    static int[] wordOfPiece(PretrainedEncoder encoder, List<String> tokens, int[] pieces) {
        int[] words = new int[pieces.length];
        Arrays.fill(words, -1);
        int at = 1;
        int last = pieces.length - 1;
        for (int w = 0; w < tokens.size() && at < last; w++) {
            String token = tokens.get(w);
            // a word has no more pieces than characters (an unknown word is one piece); the markers come on top
            int[] own = encoder.pieces(joined(List.of(token)), 2 * token.length() + 8);
            for (int p = 1; p < own.length - 1 && at < last; p++, at++) {
                if (own[p] != pieces[at]) {
                    throw new IllegalStateException("piece " + at + " of the text is not a piece of word " + w);
                }
                words[at] = w;
            }
        }
        if (at != last) {
            throw new IllegalStateException("the text has " + pieces.length + " pieces, its words " + (at + 1));
        }
        return words;
    }

    /**
     * The same, and whether pieces were cut: the encoder is asked for one piece more than is kept, and a text
     * that has it is cut as the encoder cuts (its first pieces, then the end marker).
     */
    static Cut cut(PretrainedEncoder encoder, List<String> tokens, int maxPieces) {
        int kept = Math.max(2, maxPieces);
        int[] pieces = encoder.pieces(joined(tokens), kept + 1);
        if (pieces.length <= kept) {
            return new Cut(pieces, false);
        }
        int[] cut = Arrays.copyOf(pieces, kept);
        cut[kept - 1] = pieces[pieces.length - 1];
        return new Cut(cut, true);
    }
}
