package com.example.sentiment.classificationjob;

import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job's inference on a tiny trained classifier, called directly (the service's workers are left out), with a
 * seam that runs before each chunk: a test blocks or fails a chunk there, as a crash or a slow worker would.
 */
final class TinyJobInference implements JobInference {

    static final String MODEL_ID = "tiny-1";
    private static TextClassifier shared;

    /** What happens before the chunk with this (0-based) number is classified. */
    interface BeforeChunk {
        void run(int chunk) throws InterruptedException;
    }

    final TextClassifier classifier;
    final AtomicInteger chunks = new AtomicInteger();
    volatile BeforeChunk beforeChunk = chunk -> { };

    TinyJobInference() {
        synchronized (TinyJobInference.class) {
            if (shared == null) {
                shared = TinyModel.train(80, 4);
            }
            classifier = shared;
        }
    }

    @Override
    public Model model(String modelId) {
        if (modelId != null && !modelId.equals(MODEL_ID)) {
            throw new IllegalArgumentException("no version " + modelId);
        }
        return new Model(MODEL_ID, classifier.labels());
    }

    @Override
    public List<Prediction> classify(String modelId, List<String> texts) throws InterruptedException {
        beforeChunk.run(chunks.getAndIncrement());
        return classifier.classify(texts);
    }
}
