package com.example.sentiment.ml;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An embedding matrix for a vocabulary, its rows picked from pre-computed word vectors (loaded once per
 * process, see {@link WordVectorTable}). Words the vectors lack get a small random vector; padding stays zero.
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

    static PretrainedEmbeddings pick(WordVectorTable vectors, Vocabulary vocabulary, long seed) {
        int dimensions = vectors.dimensions();
        float[][] matrix = new float[vocabulary.size()][dimensions];
        Random random = new Random(seed);
        int covered = 0;
        for (int id = 0; id < vocabulary.size(); id++) {
            if (id == Vocabulary.PADDING_ID) {
                continue;
            }
            if (id != Vocabulary.UNKNOWN_ID && vectors.copyVector(vocabulary.wordAt(id), matrix[id])) {
                covered++;
            } else {
                for (int d = 0; d < dimensions; d++) {
                    matrix[id][d] = (float) (random.nextGaussian() * 0.1);
                }
            }
        }
        return new PretrainedEmbeddings(Nd4j.create(matrix), dimensions, covered);
    }
}
