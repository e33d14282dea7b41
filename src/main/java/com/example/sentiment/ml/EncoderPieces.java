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
