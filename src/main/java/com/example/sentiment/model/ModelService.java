package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ComputeThreads;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The loaded models: the active one, swapped atomically so that a request in flight always finishes on
 * the model it started with, and a small cache of other versions asked for by id.
 *
 * <p>Activate, delete and cache loads take one lock, so a deleted version can never re-enter the cache and
 * the active version can never be deleted; classification itself never waits on it.
 */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    private final ModelStore store;
    private final int cacheSize;
    private final int replicas;
    private final AtomicReference<LoadedModel> active = new AtomicReference<>();
    private final Map<String, LoadedModel> cache;
    private final Object lock = new Object();
    private final Timer loadTimer;
    private volatile boolean startupDone;

    ModelService(ModelStore store, SentimentProperties properties, MeterRegistry meters) {
        this.store = store;
        ComputeThreads.limit(properties.computeThreads());
        this.cacheSize = properties.classify().loadedModelCache();
        this.replicas = properties.classify().inferenceThreadCount();
        this.cache = new LinkedHashMap<>(16, 0.75f, true);
        this.loadTimer = Timer.builder("sentiment.model.load").description("Time to load and warm up a model version")
                .register(meters);
        // loading in the background keeps the process live (and its liveness probe answering) while a large
        // model loads; readiness stays down until it is ready
        Thread loader = new Thread(() -> {
            synchronized (lock) {
                loadActiveAtStart();
                startupDone = true;
            }
        }, "model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** True once the model recorded as active at start has been loaded (or found missing). */
    public boolean startupDone() {
        return startupDone;
    }

    /** A version in memory, ready to classify. */
    public record LoadedModel(String id, ModelMetadata metadata, TextClassifier classifier) {
    }

    public Optional<LoadedModel> active() {
        return Optional.ofNullable(active.get());
    }

    /** The named version, or the active one when {@code id} is null. */
    public LoadedModel resolve(String id) {
        LoadedModel current = active.get();
        if (id == null) {
            if (current == null) {
                throw startupDone ? NoActiveModelException.create() : NoActiveModelException.loading();
            }
            return current;
        }
        if (current != null && current.id().equals(id)) {
            return current;
        }
        synchronized (lock) {
            LoadedModel cached = cache.get(id);
            if (cached != null) {
                return cached;
            }
            LoadedModel loaded = load(id);
            if (cacheSize > 0) {
                cache.put(id, loaded);
                while (cache.size() > cacheSize) {
                    cache.remove(cache.keySet().iterator().next());
                }
            }
            return loaded;
        }
    }

    public List<StoredModel> list() {
        return store.list();
    }

    public StoredModel get(String id) {
        return store.find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
    }

    /** Makes a stored version the active one; requests in flight finish on the previous one. */
    public LoadedModel activate(String id) {
        synchronized (lock) {
            LoadedModel current = active.get();
            if (current != null && current.id().equals(id)) {
                return current;
            }
            LoadedModel loaded = cache.containsKey(id) ? cache.remove(id) : load(id);
            try {
                store.writeActive(id);
            } catch (IOException e) {
                throw new IllegalStateException("cannot record the active model: " + e.getMessage(), e);
            }
            active.set(loaded);
            log.info("Active model is now {}", id);
            return loaded;
        }
    }

    /** Stores a freshly trained classifier as a new version and optionally activates it. */
    public ModelMetadata register(TextClassifier classifier, ModelMetadata metadata, boolean activate) throws IOException {
        ModelMetadata stored = store.save(classifier, metadata);
        if (activate) {
            classifier.withReplicas(replicas);
            warmUp(classifier);
            synchronized (lock) {
                store.writeActive(stored.id());
                active.set(new LoadedModel(stored.id(), stored, classifier));
                log.info("Active model is now {}", stored.id());
            }
        }
        return stored;
    }

    /**
     * Sets a version's default abstention threshold (null for none). Loaded copies of the version (active or
     * cached) answer with it from the next request on.
     */
    public ModelMetadata setMinConfidence(String id, Double threshold) {
        synchronized (lock) {
            StoredModel stored = get(id);
            if (!stored.usable()) {
                throw ModelConflictException.unusable(id, stored.problem());
            }
            ModelMetadata updated;
            try {
                updated = store.recordMinConfidence(id, threshold);
            } catch (IOException e) {
                throw new IllegalStateException("cannot update model " + id + ": " + e.getMessage(), e);
            }
            LoadedModel current = active.get();
            if (current != null && current.id().equals(id)) {
                active.set(new LoadedModel(id, updated, current.classifier()));
            }
            cache.computeIfPresent(id, (k, loaded) -> new LoadedModel(id, updated, loaded.classifier()));
            log.info("Model {} abstains below {}", id, threshold);
            return updated;
        }
    }

    /** Deletes a version that is not active. */
    public void delete(String id) {
        synchronized (lock) {
            LoadedModel current = active.get();
            if (current != null && current.id().equals(id)) {
                throw ModelConflictException.activeCannotBeDeleted(id);
            }
            cache.remove(id);
            try {
                store.delete(id);
            } catch (IOException e) {
                throw new IllegalStateException("cannot delete model " + id + ": " + e.getMessage(), e);
            }
            log.info("Deleted model {}", id);
        }
    }

    private LoadedModel load(String id) {
        StoredModel stored = get(id);
        if (!stored.usable()) {
            throw ModelConflictException.unusable(id, stored.problem());
        }
        try {
            long start = System.nanoTime();
            TextClassifier classifier = store.load(id).withReplicas(replicas);
            warmUp(classifier);
            loadTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return new LoadedModel(id, stored.metadata(), classifier);
        } catch (IOException e) {
            store.markUnusable(id, e.getMessage());
            throw ModelConflictException.unusable(id, e.getMessage());
        }
    }

    /** Runs a few classifications so that the first real request does not pay for lazy initialisation. */
    private static void warmUp(TextClassifier classifier) {
        List<String> texts = List.of("warming up", "a longer sentence to warm up the network with more steps .");
        for (int i = 0; i < 3; i++) {
            classifier.classify(texts);
            classifier.classify(texts.get(0));
        }
    }

    /** Loads the recorded active version; when that fails, the newest usable version serves instead. */
    private void loadActiveAtStart() {
        Optional<String> recorded = store.activeId();
        if (recorded.isPresent()) {
            try {
                active.set(load(recorded.get()));
                log.info("Loaded active model {}", recorded.get());
                return;
            } catch (RuntimeException e) {
                log.error("The active model {} cannot be loaded: {}", recorded.get(), e.getMessage());
            }
        }
        for (StoredModel candidate : store.list()) {
            if (!candidate.usable() || recorded.filter(candidate.id()::equals).isPresent()) {
                continue;
            }
            try {
                activate(candidate.id());
                log.warn("Serving model {} instead", candidate.id());
                return;
            } catch (RuntimeException e) {
                log.error("Model {} cannot be loaded either: {}", candidate.id(), e.getMessage());
            }
        }
        if (recorded.isEmpty()) {
            log.warn("No model is active: classification answers 503 until one is trained or activated");
        }
    }
}
