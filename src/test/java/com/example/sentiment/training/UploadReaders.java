package com.example.sentiment.training;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.vectors.WordVectorsLibrary;
import jakarta.validation.Validation;
import tools.jackson.databind.json.JsonMapper;

/** The upload reader as the service wires it, outside Spring. */
final class UploadReaders {

    private UploadReaders() {
    }

    /** With the word vectors of the properties' vectors directory. */
    static TrainingUploadReader of(SentimentProperties properties, PretrainedEncoders encoders) {
        return of(properties, new WordVectorsLibrary(properties), encoders);
    }

    static TrainingUploadReader of(SentimentProperties properties, WordVectorsLibrary wordVectors,
                                   PretrainedEncoders encoders) {
        JsonMapper json = JsonMapper.builder().build();
        return new TrainingUploadReader(json, Validation.buildDefaultValidatorFactory().getValidator(), properties,
                new DatasetReader(json, properties, encoders), wordVectors, encoders);
    }
}
