package com.example.sentiment.model;

import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * What the {@code evaluate} command uses of the {@link ModelRepository}, whichever adapter is configured.
 *
 * @deprecated kept so that {@code training/EvaluateCommand} compiles unchanged; ask for {@link ModelRepository}
 *     instead, and delete this class once nothing asks for it
 */
@Deprecated
@Component
public class ModelStore {

    private final ModelRepository repository;

    ModelStore(ModelRepository repository) {
        this.repository = repository;
    }

    /** @see ModelRepository#load(String) */
    public TextClassifier load(String id) throws IOException {
        return repository.load(id);
    }

    /** @see ModelRepository#recordEvaluation(String, String, EvaluationReport) */
    public ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException {
        return repository.recordEvaluation(id, file, report);
    }
}
