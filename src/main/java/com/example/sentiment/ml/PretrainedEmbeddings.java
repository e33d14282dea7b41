package com.example.sentiment.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.embeddings.wordvectors.WordVectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An embedding matrix for a vocabulary, taken from a pre-computed word-vectors file (GloVe text, word2vec
 * text or binary, read by DL4J's {@link WordVectorSerializer}). Words the file lacks get a small random
 * vector; padding stays zero.
 */
final class PretrainedEmbeddings {

    final INDArray weights;
    final int dimensions;
    final int covered;

    private PretrainedEmbeddings(INDArray weights, int dimensions, int covered) {
        this.weights = weights;
        this.dimensions = dimensions;
        this.covered = covered;
    }

    static PretrainedEmbeddings load(Path file, Vocabulary vocabulary, long seed) {
        if (!Files.isRegularFile(file)) {
            throw new TrainingFailedException("word-vectors file " + file.getFileName() + " is missing");
        }
        WordVectors vectors;
        try {
            vectors = WordVectorSerializer.loadStaticModel(file.toFile());
        } catch (RuntimeException e) {
            throw new TrainingFailedException("cannot read word-vectors file " + file.getFileName() + ": " + e.getMessage(), e);
        }
        int dimensions = (int) vectors.getWordVectorMatrix(vectors.vocab().wordAtIndex(0)).length();
        float[][] matrix = new float[vocabulary.size()][dimensions];
        Random random = new Random(seed);
        int covered = 0;
        for (int id = 0; id < vocabulary.size(); id++) {
            if (id == Vocabulary.PADDING_ID) {
                continue;
            }
            String word = vocabulary.wordAt(id);
            if (id != Vocabulary.UNKNOWN_ID && vectors.hasWord(word)) {
                float[] v = vectors.getWordVectorMatrix(word).toFloatVector();
                System.arraycopy(v, 0, matrix[id], 0, dimensions);
                covered++;
            } else {
                for (int d = 0; d < dimensions; d++) {
                    matrix[id][d] = (float) (random.nextGaussian() * 0.1);
                }
            }
        }
        INDArray weights = Nd4j.create(matrix);
        return new PretrainedEmbeddings(weights, dimensions, covered);
    }
}
