package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for a pretrained encoder, for tests: one piece per whitespace-separated word (a hash of
 * the lower-cased word, mod 1000, plus 1000), framed by 101 and 102 as BERT's markers are; the state of a piece is
 * a fixed pseudo-random vector of its id plus a small term of its position, so that an LSTM can learn from the
 * words as it would from word vectors. Counts the texts it computes states of.
 */
public final class HashedPieceEncoder implements PretrainedEncoder {

    static final int START = 101;
    static final int END = 102;

    private final String name;
    private final int dimension;
    private final AtomicInteger statesCalls = new AtomicInteger();
    private final AtomicInteger textsEncoded = new AtomicInteger();

    public HashedPieceEncoder(String name, int dimension) {
        this.name = name;
        this.dimension = dimension;
    }

    /** Encoders by name, each with the fingerprint {@code "fingerprint-" + name} unless given another. */
    public static PretrainedEncoders lookup(HashedPieceEncoder... encoders) {
        return lookup(null, encoders);
    }

    /** The same, every encoder with the given fingerprint. */
    public static PretrainedEncoders lookup(String fingerprint, HashedPieceEncoder... encoders) {
        return new PretrainedEncoders() {
            @Override
            public List<String> names() {
                return Arrays.stream(encoders).map(HashedPieceEncoder::name).toList();
            }

            @Override
            public PretrainedEncoder get(String wanted) {
                return Arrays.stream(encoders).filter(e -> e.name.equals(wanted)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no encoder " + wanted));
            }

            @Override
            public String fingerprint(String wanted) {
                return fingerprint != null ? fingerprint : "fingerprint-" + get(wanted).name();
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int[] pieces(String text, int maxPieces) {
        List<Integer> pieces = new ArrayList<>();
        pieces.add(START);
        for (String word : text.trim().split("\\s+")) {
            if (!word.isEmpty() && pieces.size() < maxPieces - 1) {
                pieces.add(1000 + Math.floorMod(word.toLowerCase(Locale.ROOT).hashCode(), 1000));
            }
        }
        pieces.add(END);
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public float[][][] states(List<int[]> pieces) {
        statesCalls.incrementAndGet();
        textsEncoded.addAndGet(pieces.size());
        float[][][] states = new float[pieces.size()][][];
        for (int i = 0; i < states.length; i++) {
            int[] p = pieces.get(i);
            states[i] = new float[p.length][];
            for (int t = 0; t < p.length; t++) {
                states[i][t] = state(p[t], t);
            }
        }
        return states;
    }

    /** The state of piece {@code id} at position {@code t}. */
    float[] state(int id, int t) {
        Random random = new Random(id * 7919L + dimension);
        float[] state = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            state[d] = (float) random.nextGaussian() * 0.5f;
        }
        state[t % dimension] += 0.01f * t;
        return state;
    }

    /** How often {@link #states} was called. */
    public int statesCalls() {
        return statesCalls.get();
    }

    /** The texts {@link #states} computed, over all calls. */
    public int textsEncoded() {
        return textsEncoded.get();
    }
}
