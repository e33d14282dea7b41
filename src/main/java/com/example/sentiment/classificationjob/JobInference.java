package com.example.sentiment.classificationjob;

import com.example.sentiment.classification.BackgroundClassifier;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What classifies a job's rows: the service's inference workers at background priority
 * ({@link BackgroundClassifier}). An interface of its own so that a job's reading, writing and resuming can be
 * tested with a classifier of the test's choosing.
 */
interface JobInference {

    /** A model version as a job sees it. */
    record Model(String id, List<String> labels) {
    }

    /** The named version, or the active one when {@code modelId} is null (ModelService's 404/503 when none). */
    Model model(String modelId);

    /** Predictions for the texts with the version, in their order. */
    List<Prediction> classify(String modelId, List<String> texts) throws InterruptedException;

    /** The production inference: the inference workers, below interactive requests. */
    @Component
    class Workers implements JobInference {
        private final BackgroundClassifier classifier;

        Workers(BackgroundClassifier classifier) {
            this.classifier = classifier;
        }

        @Override
        public Model model(String modelId) {
            ModelService.LoadedModel model = classifier.resolve(modelId);
            return new Model(model.id(), model.classifier().labels());
        }

        @Override
        public List<Prediction> classify(String modelId, List<String> texts) throws InterruptedException {
            return classifier.classify(classifier.resolve(modelId), texts);
        }
    }
}
