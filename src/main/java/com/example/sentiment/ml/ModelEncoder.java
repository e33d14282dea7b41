package com.example.sentiment.ml;

/**
 * The frozen encoder a model reads its texts through, with the name and fingerprint its version records
 * ({@link TextClassifier#ENCODER_FILE}) so that it loads only against the same encoder.
 */
record ModelEncoder(String name, String fingerprint, PretrainedEncoder encoder) {

    /** The encoder {@code name} of {@code encoders}. */
    static ModelEncoder of(PretrainedEncoders encoders, String name) {
        return new ModelEncoder(name, encoders.fingerprint(name), encoders.get(name));
    }

    int dimension() {
        return encoder.dimension();
    }

    /** The pieces of a text given as the service's tokens, at most {@code maxPieces}; see {@link EncoderPieces}. */
    EncoderPieces.Cut pieces(java.util.List<String> tokens, int maxPieces) {
        return EncoderPieces.cut(encoder, tokens, maxPieces);
    }
}
