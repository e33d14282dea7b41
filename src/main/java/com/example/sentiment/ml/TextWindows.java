package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Overlapping windows over a text too long for its model ({@link LongText#CHUNK}), the same in training and in
 * serving. A window holds {@code maxSequenceLength} steps; windows start {@code stride} steps apart and the last one
 * ends where the text ends, so that no step is left unread and the end of a text (where a review's verdict often is)
 * is read in a whole window. A model that reads an encoder's states windows the text's pieces: each window is
 * {@code maxSequenceLength - 2} pieces between the encoder's start and end markers, as a short text's are.
 */
public final class TextWindows {

    /**
     * Heap per training window besides its steps: the array's header and reference, its label, weight and text,
     * and the training iterator's per-epoch order of rows (as {@code dataset.MemoryBudget} counts a row).
     */
    static final long BYTES_PER_WINDOW = 16 + 8 + 4 + 4 + 4 + 28;

    private TextWindows() {
    }

    /**
     * A text's windows as training examples.
     *
     * @param windows one row per window, with its text's label (and soft target, if any)
     * @param weights each window's weight in the loss: 1/(windows of its text), so that a long text counts once
     * @param textOf the index of each window's text
     */
    record Windowed(EncodedTexts windows, float[] weights, int[] textOf) {
    }

    /** Steps from one window's start to the next's: the setting, or half a window when it is 0. */
    static int stride(int window, int setting) {
        return setting > 0 ? Math.min(setting, window) : Math.max(1, window / 2);
    }

    /**
     * The starts of the windows of {@code window} steps over a sequence of {@code length}: 0, stride, 2*stride,
     * ... and last {@code length - window}; {@code [0]} when the sequence fits one window.
     */
    static int[] starts(int length, int window, int stride) {
        if (length <= window) {
            return new int[] {0};
        }
        int last = length - window;
        int count = (last + stride - 1) / stride + 1;
        int[] starts = new int[count];
        for (int i = 0; i < count - 1; i++) {
            starts[i] = i * stride;
        }
        starts[count - 1] = last;
        return starts;
    }

    /**
     * The windows of one sequence: token ids as they are, or an encoder's pieces ({@code pieces}), whose start and
     * end markers every window repeats. A sequence that fits is its only window, unchanged.
     *
     * @param maxLength the model's {@code maxSequenceLength}
     * @param strideSetting the {@code longTextStride} setting (0 = half a window)
     */
    static int[][] of(int[] sequence, boolean pieces, int maxLength, int strideSetting) {
        if (sequence.length <= maxLength) {
            return new int[][] {sequence};
        }
        if (!pieces) {
            int[] starts = starts(sequence.length, maxLength, stride(maxLength, strideSetting));
            int[][] windows = new int[starts.length][];
            for (int w = 0; w < starts.length; w++) {
                windows[w] = Arrays.copyOfRange(sequence, starts[w], starts[w] + maxLength);
            }
            return windows;
        }
        int inner = Math.max(1, maxLength - 2);
        int text = sequence.length - 2;
        int[] starts = starts(text, inner, stride(inner, strideSetting));
        int[][] windows = new int[starts.length][];
        for (int w = 0; w < starts.length; w++) {
            int[] window = new int[inner + 2];
            window[0] = sequence[0];
            System.arraycopy(sequence, 1 + starts[w], window, 1, inner);
            window[inner + 1] = sequence[sequence.length - 1];
            windows[w] = window;
        }
        return windows;
    }

    /** How many windows {@link #of} makes of a sequence of {@code length} steps, without making them. */
    static int count(int length, boolean pieces, int maxLength, int strideSetting) {
        if (length <= maxLength) {
            return 1;
        }
        int window = pieces ? Math.max(1, maxLength - 2) : maxLength;
        int steps = pieces ? length - 2 : length;
        return starts(steps, window, stride(window, strideSetting)).length;
    }

    /**
     * Every text's windows as examples of its label (texts that fit are one example of weight 1, as they are).
     */
    static Windowed of(EncodedTexts texts, boolean pieces, int maxLength, int strideSetting) {
        List<int[]> windows = new ArrayList<>(texts.size());
        int[] labels;
        float[] weights;
        int[] textOf;
        int total = 0;
        for (int[] sequence : texts.sequences()) {
            total += count(sequence.length, pieces, maxLength, strideSetting);
        }
        labels = new int[total];
        weights = new float[total];
        textOf = new int[total];
        float[][] targets = texts.targets() == null ? null : new float[total][];
        int at = 0;
        for (int i = 0; i < texts.size(); i++) {
            int[][] own = of(texts.sequences()[i], pieces, maxLength, strideSetting);
            for (int[] window : own) {
                windows.add(window);
                labels[at] = texts.labels()[i];
                weights[at] = 1f / own.length;
                textOf[at] = i;
                if (targets != null) {
                    targets[at] = texts.targets()[i];
                }
                at++;
            }
        }
        return new Windowed(new EncodedTexts(windows.toArray(new int[0][]), labels, targets), weights, textOf);
    }

    /**
     * The heap that training on the windows of {@code texts} takes on top of the texts themselves (which are kept
     * whole): a copy of every window of each text longer than one, and each window's row. Nothing when
     * {@code hp} truncates long texts.
     *
     * @param texts sequences of token ids, or of an encoder's pieces when {@code hp} names an encoder
     */
    public static long trainingBytes(EncodedTexts texts, HyperParameters hp) {
        if (hp.longTextReading() != LongText.CHUNK) {
            return 0;
        }
        long bytes = 0;
        for (int[] sequence : texts.sequences()) {
            if (sequence.length > hp.maxSequenceLength()) {
                int windows = count(sequence.length, hp.usesEncoder(), hp.maxSequenceLength(), hp.longTextStride());
                bytes += windows * ((long) Integer.BYTES * hp.maxSequenceLength() + BYTES_PER_WINDOW);
            }
        }
        return bytes;
    }

    /**
     * The longest sequence a text is kept as before it is windowed: all of it with {@link LongText#CHUNK}, else
     * {@code maxSequenceLength}.
     */
    public static int keptLength(HyperParameters hp) {
        return hp.longTextReading() == LongText.CHUNK ? Integer.MAX_VALUE : hp.maxSequenceLength();
    }
}
