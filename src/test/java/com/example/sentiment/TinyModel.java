package com.example.sentiment;

import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.model.ModelMetadata;
import com.example.sentiment.model.ModelService;
import java.util.ArrayList;
import java.util.List;

/** A small sentiment classifier trained in a second or two on {@link TestCorpus}, for tests that need one. */
public final class TinyModel {

    public static final List<String> LABELS = List.of("negative", "positive");

    /** A training-job {@code config} that trains a small model on {@link TestCorpus} in seconds. */
    public static final String JOB_CONFIG = "{\"name\":\"tiny\",\"epochs\":8,\"batchSize\":16,\"learningRate\":0.01,"
            + "\"embeddingSize\":16,\"lstmUnits\":16,\"dropout\":0.2,\"embeddingDropout\":0,\"maxSequenceLength\":40,\"earlyStoppingPatience\":0}";

    /** {@link #JOB_CONFIG} with another number of epochs. */
    public static String jobConfig(int epochs) {
        return JOB_CONFIG.replace("\"epochs\":8", "\"epochs\":" + epochs);
    }

    private TinyModel() {
    }

    /** Hyper-parameters small enough to train in a blink; {@code epochs} decides how well it learns. */
    public static HyperParameters hyperParameters(int epochs) {
        return new HyperParameters(epochs, 8, 0.01, 8, 8, false, 0, 0, 20, 1, 100, 1, 0,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED, null);
    }

    /** Trains a tiny model, stores it as a version and activates it; returns the version id. */
    public static String activate(ModelService models, int examples, int epochs) throws java.io.IOException {
        TextClassifier classifier = train(examples, epochs);
        ModelMetadata metadata = new ModelMetadata(null, "tiny", java.time.Instant.now(), null, LABELS,
                hyperParameters(epochs), classifier.vocabularySize(), null, classifier.parameterCount(), null, null,
                List.of(), epochs, 1.0, null, null, null);
        return models.register(classifier, metadata, true).id();
    }

    public static TextClassifier train(int examples, int epochs) {
        List<String> texts = new ArrayList<>();
        List<TestCorpus.Example> corpus = TestCorpus.examples(examples, 3);
        int[] labels = new int[corpus.size()];
        for (int i = 0; i < corpus.size(); i++) {
            texts.add(corpus.get(i).text());
            labels[i] = LABELS.indexOf(corpus.get(i).label());
        }
        LabelledTexts data = new LabelledTexts(texts, labels);
        return new ClassifierTrainer().train(data, data, LABELS, hyperParameters(epochs), null, TrainingObserver.NONE,
                () -> false).classifier();
    }
}
