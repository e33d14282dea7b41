package com.example.sentiment.ml;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The training and validation texts of one job as the LSTM reads them, built once for all its candidates,
 * ensemble members and epochs: token ids, or, with an encoder, the encoder's states of each text's pieces
 * (whose computation is what an epoch would otherwise repeat).
 *
 * @param encoder the encoder the states are from; null for token ids
 */
record TrainingInputs(EncodedTexts train, EncodedTexts validation, SequenceFeatures trainFeatures,
                      SequenceFeatures validationFeatures, ModelEncoder encoder) {

    /**
     * The length of each step's vector with an encoder: its states', or more when they are joined with other
     * vectors ({@link JoinedStepVectors}).
     */
    int stepDimension() {
        return trainFeatures instanceof StepVectors vectors ? vectors.dimension : encoder.dimension();
    }

    /** Token ids: the sequences of {@code train} and {@code validation} as they are. */
    static TrainingInputs ofTokenIds(EncodedTexts train, EncodedTexts validation) {
        return new TrainingInputs(train, validation, new TokenIds(train.sequences()),
                new TokenIds(validation.sequences()), null);
    }

    /**
     * The encoder's states of the piece sequences of {@code train} and {@code validation}, on the heap when they
     * take at most {@code heapBytes}, else in a temporary file; the observer hears how many texts are done.
     *
     * @return the inputs, or null when cancelled meanwhile
     */
    static TrainingInputs ofEncoder(EncodedTexts train, EncodedTexts validation, ModelEncoder encoder, long heapBytes,
                                    TrainingObserver observer, BooleanSupplier cancelled) {
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
        EncoderStates validationStates = EncoderStates.compute(encoder.encoder(), validation.sequences(), inHeap, spill,
                done -> observer.onEncoding(train.size() + done, total), cancelled);
        if (validationStates == null) {
            return null;
        }
        return new TrainingInputs(train, validation, trainStates, validationStates, encoder);
    }
}
