package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training side of issue 25's experiment, for the manual harness {@code dataset.SstExperiment}
 * ({@code joined=<vectors file>}): the LSTM reads the encoder's states joined with the word vector of each piece's
 * word ({@link JoinedStepVectors}), and the trained network is measured on a held-out set joined the same way.
 * Not a product setting: serving computes the encoder's states alone.
 */
public final class JoinedInputTraining {

    /**
     * @param result the training's result (its classifier serves the states alone, so measure with {@code dev})
     * @param dev the trained network on the held-out texts, read joined
     * @param coveredWords distinct tokens of all the texts that have a vector, of {@code distinctWords}
     */
    public record Outcome(TrainingResult result, EvaluationReport dev, int coveredWords, int distinctWords) {
    }

    private JoinedInputTraining() {
    }

    /** Trains on {@code train}, stops early on {@code validation}, measures on {@code dev}; {@code hp} names the encoder. */
    public static Outcome train(PretrainedEncoders encoders, LabelledTexts train, LabelledTexts validation,
                                LabelledTexts dev, List<String> labels, HyperParameters hp, WordVectorTable vectors,
                                TrainingObserver observer) {
        ModelEncoder encoder = ModelEncoder.of(encoders, hp.encoder());
        WordRows words = new WordRows(vectors);
        Pieces trainPieces = Pieces.of(train, encoder.encoder(), hp.maxSequenceLength(), words);
        Pieces validationPieces = Pieces.of(validation, encoder.encoder(), hp.maxSequenceLength(), words);
        Pieces devPieces = Pieces.of(dev, encoder.encoder(), hp.maxSequenceLength(), words);
        float[][] table = words.vectors.toArray(float[][]::new);

        ClassifierTrainer trainer = new ClassifierTrainer(1, encoders, () -> Runtime.getRuntime().maxMemory() / 4);
        // the states as a job computes them (half precision, once), then joined as each batch is read
        TrainingInputs states = trainer.inputs(hp, trainPieces.encoded, validationPieces.encoded, observer, () -> false);
        TrainingInputs joined = new TrainingInputs(states.train(), states.validation(),
                new JoinedStepVectors((StepVectors) states.trainFeatures(), trainPieces.words, table),
                new JoinedStepVectors((StepVectors) states.validationFeatures(), validationPieces.words, table),
                states.encoder());
        TrainingResult result = trainer.train(Vocabulary.reservedOnly(), joined, labels, hp, null, observer,
                () -> false, Long.MAX_VALUE);

        // the held-out texts' states at full precision, as the serving path computes them
        StepVectors devStates = StepVectors.of(encoder.encoder().states(List.of(devPieces.encoded.sequences())),
                encoder.dimension());
        int[] predicted = result.classifier().predictedLabels(new JoinedStepVectors(devStates, devPieces.words, table));
        return new Outcome(result, Evaluations.report(labels, dev.labels(), predicted), words.covered(),
                words.rowOf.size());
    }

    /** The texts' encoder pieces and, per piece, a row of the word-vector table (-1 for none). */
    private record Pieces(EncodedTexts encoded, int[][] words) {

        static Pieces of(LabelledTexts texts, PretrainedEncoder encoder, int maxPieces, WordRows words) {
            Tokenizer tokenizer = new Tokenizer();
            int n = texts.size();
            int[][] pieces = new int[n][];
            int[][] rows = new int[n][];
            for (int i = 0; i < n; i++) {
                List<String> tokens = tokenizer.tokenize(texts.texts().get(i));
                pieces[i] = EncoderPieces.of(encoder, tokens, maxPieces);
                int[] wordOfPiece = EncoderPieces.wordOfPiece(encoder, tokens, pieces[i]);
                rows[i] = new int[wordOfPiece.length];
                for (int p = 0; p < wordOfPiece.length; p++) {
                    rows[i][p] = wordOfPiece[p] < 0 ? -1 : words.rowOf(tokens.get(wordOfPiece[p]));
                }
            }
            return new Pieces(new EncodedTexts(pieces, texts.labels()), rows);
        }
    }

    /** The vectors of the words met so far, one row each, from the table. */
    private static final class WordRows {
        private final WordVectorTable table;
        private final Map<String, Integer> rowOf = new HashMap<>();
        private final List<float[]> vectors = new ArrayList<>();

        WordRows(WordVectorTable table) {
            this.table = table;
        }

        int rowOf(String word) {
            return rowOf.computeIfAbsent(word, w -> {
                float[] vector = new float[table.dimensions()];
                if (!table.copyVector(w, vector)) {
                    return -1;
                }
                vectors.add(vector);
                return vectors.size() - 1;
            });
        }

        int covered() {
            return vectors.size();
        }
    }
}
