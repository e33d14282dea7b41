package com.example.sentiment.ml;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The training and validation texts of one job as the LSTM reads them, built once for all its candidates,
 * ensemble members and epochs: token ids, or, with an encoder, the encoder's states of each text's pieces
 * (whose computation is what an epoch would otherwise repeat).
 *
 * <p>With {@link LongText#CHUNK}, a row is a window of a text ({@link TextWindows}): {@code train} and
 * {@code validation} hold the windows, and {@code trainWindows} and {@code validationWindows} say whose they are.
 *
 * @param encoder the encoder the states are from; null for token ids
 * @param trainWindows the texts of the training rows when they are windows; null when every row is a text
 * @param validationWindows the same for the validation rows
 */
record TrainingInputs(EncodedTexts train, EncodedTexts validation, SequenceFeatures trainFeatures,
                      SequenceFeatures validationFeatures, ModelEncoder encoder, Windows trainWindows,
                      Windows validationWindows) {

    /** Inputs whose every row is a whole text. */
    TrainingInputs(EncodedTexts train, EncodedTexts validation, SequenceFeatures trainFeatures,
                   SequenceFeatures validationFeatures, ModelEncoder encoder) {
        this(train, validation, trainFeatures, validationFeatures, encoder, null, null);
    }

    /**
     * Whose windows the rows are.
     *
     * @param weights each row's weight in the loss (1/windows of its text)
     * @param textOf each row's text
     * @param textLabels each text's label
     */
    record Windows(float[] weights, int[] textOf, int[] textLabels) {

        static Windows of(TextWindows.Windowed windowed, int[] textLabels) {
            return new Windows(windowed.weights(), windowed.textOf(), textLabels);
        }

        int texts() {
            return textLabels.length;
        }

        /**
         * The same for the given rows, which are the windows of the given texts ({@link #rowsOf}): each row's text
         * is then its place in {@code texts}.
         */
        Windows restricted(int[] rows, int[] texts) {
            int[] place = new int[textLabels.length];
            java.util.Arrays.fill(place, -1);
            for (int i = 0; i < texts.length; i++) {
                place[texts[i]] = i;
            }
            float[] w = new float[rows.length];
            int[] t = new int[rows.length];
            for (int r = 0; r < rows.length; r++) {
                w[r] = weights[rows[r]];
                t[r] = place[textOf[rows[r]]];
            }
            int[] labels = new int[texts.length];
            for (int i = 0; i < texts.length; i++) {
                labels[i] = textLabels[texts[i]];
            }
            return new Windows(w, t, labels);
        }

        /** The rows of the given texts (ascending), in row order. */
        int[] rowsOf(int[] texts) {
            boolean[] wanted = new boolean[textLabels.length];
            for (int t : texts) {
                wanted[t] = true;
            }
            int count = 0;
            for (int t : textOf) {
                count += wanted[t] ? 1 : 0;
            }
            int[] rows = new int[count];
            int k = 0;
            for (int r = 0; r < textOf.length; r++) {
                if (wanted[textOf[r]]) {
                    rows[k++] = r;
                }
            }
            return rows;
        }
    }

    /**
     * The length of each step's vector with an encoder: its states', or more when they are joined with other
     * vectors ({@link JoinedStepVectors}).
     */
    int stepDimension() {
        return trainFeatures instanceof StepVectors vectors ? vectors.dimension : encoder.dimension();
    }

    /** The training rows' weights in the loss; null when they all weigh 1. */
    float[] trainWeights() {
        return trainWindows == null ? null : trainWindows.weights();
    }

    /** The label of each validation text (of each row, when the rows are whole texts). */
    int[] validationLabels() {
        return validationWindows == null ? validation.labels() : validationWindows.textLabels();
    }

    /**
     * Whether {@code hp} reads long texts in windows and some text is longer than one: a job whose texts all fit
     * trains exactly as it would truncating them (one row a text, no weights).
     */
    private static boolean windowed(HyperParameters hp, EncodedTexts train, EncodedTexts validation) {
        if (hp.longTextReading() != LongText.CHUNK) {
            return false;
        }
        for (EncodedTexts texts : java.util.List.of(train, validation)) {
            for (int[] sequence : texts.sequences()) {
                if (sequence.length > hp.maxSequenceLength()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Token ids: the sequences of {@code train} and {@code validation} as they are. */
    static TrainingInputs ofTokenIds(EncodedTexts train, EncodedTexts validation) {
        return new TrainingInputs(train, validation, new TokenIds(train.sequences()),
                new TokenIds(validation.sequences()), null);
    }

    /**
     * Token ids, a text longer than {@code hp.maxSequenceLength()} read as {@code hp} says: as it is (the dataset
     * cut it already) or, with {@link LongText#CHUNK}, as its windows.
     */
    static TrainingInputs ofTokenIds(EncodedTexts train, EncodedTexts validation, HyperParameters hp) {
        if (!windowed(hp, train, validation)) {
            return ofTokenIds(train, validation);
        }
        TextWindows.Windowed t = TextWindows.of(train, false, hp.maxSequenceLength(), hp.longTextStride());
        TextWindows.Windowed v = TextWindows.of(validation, false, hp.maxSequenceLength(), hp.longTextStride());
        return new TrainingInputs(t.windows(), v.windows(), new TokenIds(t.windows().sequences()),
                new TokenIds(v.windows().sequences()), null, Windows.of(t, train.labels()),
                Windows.of(v, validation.labels()));
    }

    /**
     * The encoder's states of the piece sequences of {@code train} and {@code validation}, on the heap when they
     * take at most {@code heapBytes}, else in a temporary file; the observer hears how many texts are done.
     *
     * @return the inputs, or null when cancelled meanwhile
     */
    static TrainingInputs ofEncoder(EncodedTexts train, EncodedTexts validation, ModelEncoder encoder, long heapBytes,
                                    TrainingObserver observer, BooleanSupplier cancelled) {
        return ofEncoder(train, validation, encoder, heapBytes, observer, cancelled, null);
    }

    /**
     * The same, with {@link LongText#CHUNK} in {@code hp} (null: as they are) the states of each long text's
     * windows of pieces, each window read by the encoder as a text of its own.
     */
    static TrainingInputs ofEncoder(EncodedTexts train, EncodedTexts validation, ModelEncoder encoder, long heapBytes,
                                    TrainingObserver observer, BooleanSupplier cancelled, HyperParameters hp) {
        Windows trainWindows = null;
        Windows validationWindows = null;
        if (hp != null && windowed(hp, train, validation)) {
            TextWindows.Windowed t = TextWindows.of(train, true, hp.maxSequenceLength(), hp.longTextStride());
            TextWindows.Windowed v = TextWindows.of(validation, true, hp.maxSequenceLength(), hp.longTextStride());
            trainWindows = Windows.of(t, train.labels());
            validationWindows = Windows.of(v, validation.labels());
            train = t.windows();
            validation = v.windows();
        }
        int total = train.size() + validation.size();
        long bytes = EncoderStates.bytes(train.sequences(), encoder.dimension())
                + EncoderStates.bytes(validation.sequences(), encoder.dimension());
        boolean inHeap = bytes <= heapBytes;
        Path spill = Path.of(System.getProperty("java.io.tmpdir"));
        observer.onEncoding(0, total);
        EncoderStates trainStates = EncoderStates.compute(encoder.encoder(), train.sequences(), inHeap, spill,
                done -> observer.onEncoding(done, total), cancelled);
        if (trainStates == null) {
            return null;
        }
        int trained = train.size();
        EncoderStates validationStates = EncoderStates.compute(encoder.encoder(), validation.sequences(), inHeap, spill,
                done -> observer.onEncoding(trained + done, total), cancelled);
        if (validationStates == null) {
            return null;
        }
        return new TrainingInputs(train, validation, trainStates, validationStates, encoder, trainWindows,
                validationWindows);
    }
}
