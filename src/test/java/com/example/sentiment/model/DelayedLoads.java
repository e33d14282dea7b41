package com.example.sentiment.model;

import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A repository whose loads take a while first (none for {@link Duration#ZERO}), as a download from a remote
 * store does; the rest as is. Tests
 * extend it to do more in a load.
 */
class DelayedLoads implements ModelRepository {

    private final ModelRepository delegate;
    private final Duration delay;

    DelayedLoads(ModelRepository delegate, Duration delay) {
        this.delegate = delegate;
        this.delay = delay;
    }

    @Override
    public TextClassifier load(String id) throws IOException {
        if (!delay.isZero()) {
            // the download's time, spent waiting on the network, not computing
            LockSupport.parkNanos(delay.toNanos());
        }
        return delegate.load(id);
    }

    @Override
    public List<StoredModel> list() throws IOException {
        return delegate.list();
    }

    @Override
    public Optional<StoredModel> find(String id) throws IOException {
        return delegate.find(id);
    }

    @Override
    public ModelMetadata save(TextClassifier classifier, ModelMetadata metadata,
                              java.util.Map<String, byte[]> files) throws IOException {
        return delegate.save(classifier, metadata, files);
    }

    @Override
    public Optional<byte[]> readFile(String id, String file) throws IOException {
        return delegate.readFile(id, file);
    }

    @Override
    public ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException {
        return delegate.recordEvaluation(id, file, report);
    }

    @Override
    public ModelMetadata recordMinConfidence(String id, Double threshold) throws IOException {
        return delegate.recordMinConfidence(id, threshold);
    }

    @Override
    public ModelMetadata recordCalibration(String id, com.example.sentiment.ml.Calibration calibration)
            throws IOException {
        return delegate.recordCalibration(id, calibration);
    }

    @Override
    public ModelMetadata replaceFurtherFile(String id, String file, byte[] bytes) throws IOException {
        return delegate.replaceFurtherFile(id, file, bytes);
    }

    @Override
    public void delete(String id) throws IOException {
        delegate.delete(id);
    }

    @Override
    public void markUnusable(String id, String reason) {
        delegate.markUnusable(id, reason);
    }

    @Override
    public Location location() {
        return delegate.location();
    }
}
