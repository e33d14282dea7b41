package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.ComputeThreads;
import com.example.sentiment.ml.InferenceEngine;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ActiveVersionPointer.Pointer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;

/**
 * The loaded models: the one this replica serves, swapped atomically so that a request in flight always
 * finishes on the model it started with, and a small cache of other versions asked for by id.
 *
 * <p>The served version follows the {@link ActiveVersionPointer}: its {@link ActiveVersionFollower} loads the
 * version the pointer names in the background and swaps it in here; requests never wait for it. Activating a
 * version here loads it first, then moves the pointer, so that a version that cannot load is refused before
 * any replica tries it.
 *
 * <p>Activate, delete, swaps and cache updates take one lock, so a deleted version can never re-enter the cache
 * and the served or pointed-at version can never be deleted; classification itself never waits on it. A
 * version asked for by id loads outside that lock (hashing, deserialising and warming up take seconds for a
 * large one): requests for one version share its load, at most one such load runs at a time (so that loading
 * takes no more than one core from serving), and at most {@code sentiment.classify.max-waiting-loads}
 * requests wait for loads, more are refused with 503 at once, so that loads can never hold every request
 * thread, nor activation and deletion behind them.
 */
@Service
public class ModelService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    private final ModelRepository repository;
    private final ActiveVersionPointer pointer;
    private final int cacheSize;
    private final int replicas;
    private final InferenceEngine engine;
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    private final Map<String, LoadedModel> cache;
    // loaded here (trained, or activated through this replica) and waiting for the pointer to name them, so
    // that the follower swaps them in instead of reading them back from storage
    private final Map<String, LoadedModel> loadedHere = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    // loads of versions asked for by id, one per version; an entry removed under the lock (by delete) keeps
    // its load from entering the cache
    private final Map<String, CompletableFuture<LoadedModel>> loading = new ConcurrentHashMap<>();
    private final Semaphore loadWaiters;
    private final int maxWaitingLoads;
    private final Semaphore loadSlot = new Semaphore(1, true);
    private final Timer loadTimer;
    private final MultiGauge generations;
    private final ActiveVersionFollower follower;
    private volatile Pointer desired;
    private volatile boolean startupDone;
    private volatile String lastLoadFailure;

    /** The version served and the pointer generation it was loaded for (0: served without the pointer naming it). */
    record Serving(LoadedModel model, long generation) {
    }

    /** A version in memory, ready to classify. */
    public record LoadedModel(String id, ModelMetadata metadata, TextClassifier classifier) {
    }

    ModelService(ModelRepository repository, ActiveVersionPointer pointer, SentimentProperties properties,
                 MeterRegistry meters) {
        this.repository = repository;
        this.pointer = pointer;
        ComputeThreads.limit(properties.computeThreads());
        ComputeThreads.lendIdleCores(properties.classify().parallelDirections()
                ? Runtime.getRuntime().availableProcessors() : 1);
        this.cacheSize = properties.classify().loadedModelCache();
        this.maxWaitingLoads = properties.classify().maxWaitingLoads();
        this.loadWaiters = new Semaphore(maxWaitingLoads);
        this.replicas = properties.classify().inferenceThreadCount();
        this.engine = properties.inference().engine();
        this.cache = new LinkedHashMap<>(16, 0.75f, true);
        this.loadTimer = Timer.builder("sentiment.model.load").description("Time to load and warm up a model version")
                .register(meters);
        this.generations = MultiGauge.builder("sentiment.model.generation")
                .description("Pointer generation of the version this replica serves (state=loaded) and of the one "
                        + "the pointer names (state=desired); they differ while a switch is pending or failing")
                .register(meters);
        // last: the follower's thread starts at once and uses this service
        this.follower = new ActiveVersionFollower(this, repository, pointer, properties);
    }

    /** Stops following the pointer. */
    @Override
    public void close() {
        follower.close();
    }

    /**
     * True once the pointer has been read and the first attempt to load the version it names is over,
     * successful or not.
     */
    public boolean startupDone() {
        return startupDone;
    }

    public Optional<LoadedModel> active() {
        return Optional.ofNullable(serving.get()).map(Serving::model);
    }

    /**
     * The version this replica serves, with the pointer generation it was loaded for (0 when it serves a
     * version the pointer does not name, because that one cannot be loaded or the pointer is unset).
     */
    public Optional<Pointer> loadedVersion() {
        return Optional.ofNullable(serving.get()).map(s -> new Pointer(s.model().id(), s.generation()));
    }

    /** The version the pointer named when this replica last read it. */
    public Optional<Pointer> desiredVersion() {
        return Optional.ofNullable(desired);
    }

    /** Why the desired version could not be loaded the last time, or null when it could. */
    String lastLoadFailure() {
        return lastLoadFailure;
    }

    /** Requests now waiting for a version asked for by id to load (at most {@code max-waiting-loads}). */
    int waitingLoads() {
        return maxWaitingLoads - loadWaiters.availablePermits();
    }

    /** The named version, or the served one when {@code id} is null. */
    public LoadedModel resolve(String id) {
        Serving current = serving.get();
        if (id == null) {
            if (current == null) {
                throw startupDone ? NoActiveModelException.create() : NoActiveModelException.loading();
            }
            return current.model();
        }
        if (current != null && current.model().id().equals(id)) {
            return current.model();
        }
        synchronized (lock) {
            LoadedModel cached = cache.get(id);
            if (cached != null) {
                return cached;
            }
        }
        if (!loadWaiters.tryAcquire()) {
            throw ModelLoadsBusyException.create();
        }
        try {
            CompletableFuture<LoadedModel> mine = new CompletableFuture<>();
            CompletableFuture<LoadedModel> running;
            synchronized (lock) {
                // looked up again: a load of this version may have finished since
                LoadedModel cached = cache.get(id);
                if (cached != null) {
                    return cached;
                }
                running = loading.putIfAbsent(id, mine);
            }
            if (running == null) {
                loadShared(id, mine);
                running = mine;
            }
            return awaitLoad(running);
        } finally {
            loadWaiters.release();
        }
    }

    /** Loads a version for every request waiting for it (on the first one's thread), then caches it. */
    private void loadShared(String id, CompletableFuture<LoadedModel> mine) {
        try {
            loadSlot.acquire();
            LoadedModel loaded;
            try {
                loaded = load(id);
            } finally {
                loadSlot.release();
            }
            synchronized (lock) {
                // not when the version was deleted (or changed) meanwhile: its entry is gone then
                if (loading.remove(id, mine) && cacheSize > 0) {
                    cache.put(id, loaded);
                    while (cache.size() > cacheSize) {
                        cache.remove(cache.keySet().iterator().next());
                    }
                }
            }
            mine.complete(loaded);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loading.remove(id, mine);
            mine.completeExceptionally(new IllegalStateException("interrupted while waiting to load model " + id, e));
        } catch (Throwable e) {
            loading.remove(id, mine);
            mine.completeExceptionally(e);
        }
    }

    private static LoadedModel awaitLoad(CompletableFuture<LoadedModel> load) {
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a model to load", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public List<StoredModel> list() {
        try {
            return repository.list();
        } catch (IOException e) {
            throw ModelStorageUnavailableException.of("cannot list the model versions", e);
        }
    }

    /** How many versions the repository knows of, as of its last listing: asks no remote store. */
    public int knownVersions() {
        return repository.location().versions();
    }

    /** Whether the repository holds this version (usable or not). */
    public boolean exists(String id) throws IOException {
        return repository.find(id).isPresent();
    }

    /**
     * One further file of a version (see {@link #register(TextClassifier, ModelMetadata, Map, boolean)}), checked
     * against its checksum; empty when the version has none of that name.
     *
     * @throws ModelNotFoundException when there is no such version
     * @throws ModelConflictException when the file does not match its checksum
     * @throws ModelStorageUnavailableException when the store cannot be read
     */
    public Optional<byte[]> versionFile(String id, String file) {
        try {
            return repository.readFile(id, file);
        } catch (ModelUnusableException e) {
            throw ModelConflictException.unusable(id, e.getMessage());
        } catch (IOException e) {
            throw ModelStorageUnavailableException.of("cannot read " + file + " of model " + id, e);
        }
    }

    public StoredModel get(String id) {
        try {
            return repository.find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        } catch (IOException e) {
            throw ModelStorageUnavailableException.of("cannot read model " + id, e);
        }
    }

    /**
     * Makes a stored version the active one: loads it (so that a broken version is refused here, not on every
     * replica), then moves the pointer if no other activation moved it meanwhile, then serves it. Requests in
     * flight finish on the previous one.
     *
     * @throws ModelConflictException when the version cannot be loaded or another activation came first
     */
    public LoadedModel activate(String id) {
        synchronized (lock) {
            Optional<Pointer> before = readPointer("activate " + id);
            before.ifPresent(this::noteDesired);
            Serving current = serving.get();
            if (current != null && current.model().id().equals(id)
                    && before.map(Pointer::modelId).filter(id::equals).isPresent()) {
                return current.model();
            }
            LoadedModel loaded = cache.containsKey(id) ? cache.remove(id) : load(id);
            loadedHere.put(id, loaded);
            Optional<Pointer> after;
            try {
                after = pointer.compareAndSet(before.map(Pointer::generation).orElse(0L), id);
            } catch (UncheckedIOException | DataAccessException e) {
                loadedHere.remove(id);
                throw pointerFailed("activate " + id, e);
            } catch (RuntimeException e) {
                loadedHere.remove(id);
                throw e;
            }
            if (after.isEmpty()) {
                loadedHere.remove(id);
                throw ModelConflictException.activationRaced(id);
            }
            noteDesired(after.get());
            install(loaded, after.get().generation());
            return loaded;
        }
    }

    /**
     * Stores a freshly trained classifier as a new version and optionally activates it; the classifier in
     * memory is the one served, never read back from storage.
     */
    public ModelMetadata register(TextClassifier classifier, ModelMetadata metadata, boolean activate) throws IOException {
        return register(classifier, metadata, Map.of(), activate);
    }

    /**
     * The same with further files of the version beside the classifier's (such as drift's reference profile),
     * stored and checksummed with it.
     */
    public ModelMetadata register(TextClassifier classifier, ModelMetadata metadata, Map<String, byte[]> files,
                                  boolean activate) throws IOException {
        ModelMetadata stored = repository.save(classifier, metadata, files);
        calibrate(classifier, stored);
        if (activate) {
            classifier.servedBy(engine).withReplicas(replicas);
            warmUp(classifier);
            LoadedModel fresh = new LoadedModel(stored.id(), stored, classifier);
            loadedHere.put(stored.id(), fresh);
            Pointer moved;
            try {
                moved = pointer.set(stored.id());
            } catch (RuntimeException e) {
                loadedHere.remove(stored.id());
                throw new IOException("stored as " + stored.id() + " but cannot make it active: " + e.getMessage(), e);
            }
            noteDesired(moved);
            install(fresh, moved.generation());
        }
        return stored;
    }

    /**
     * Sets a version's default abstention threshold (null for none). Loaded copies of the version (served or
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
                updated = repository.recordMinConfidence(id, threshold);
            } catch (IOException e) {
                throw ModelStorageUnavailableException.of("cannot update model " + id, e);
            }
            Serving current = serving.get();
            if (current != null && current.model().id().equals(id)) {
                serving.set(new Serving(new LoadedModel(id, updated, current.model().classifier()), current.generation()));
            }
            cache.computeIfPresent(id, (k, loaded) -> new LoadedModel(id, updated, loaded.classifier()));
            loading.remove(id);
            log.info("Model {} abstains below {}", id, threshold);
            return updated;
        }
    }

    /**
     * Deletes a version that is neither served here nor named by the pointer, as a compare-and-set against the
     * pointer's generation (the protocol is in {@link ActiveVersionPointer}): the version is marked as being
     * deleted only if no activation moved the pointer since it was read, and no activation takes it while the
     * mark stands, so that no replica can point at a version whose files are going.
     *
     * @throws ModelConflictException when the version is active, or an activation moved the pointer meanwhile
     * @throws ModelStorageUnavailableException when the pointer or the store cannot be reached
     */
    public void delete(String id) {
        synchronized (lock) {
            Serving current = serving.get();
            Optional<Pointer> read = readPointer("delete " + id);
            boolean pointed = read.map(Pointer::modelId).filter(id::equals).isPresent();
            if (pointed || current != null && current.model().id().equals(id)) {
                throw ModelConflictException.activeCannotBeDeleted(id);
            }
            get(id);
            boolean marked;
            try {
                marked = pointer.beginDeletion(read.map(Pointer::generation).orElse(0L), id);
            } catch (UncheckedIOException | DataAccessException e) {
                throw pointerFailed("delete " + id, e);
            }
            if (!marked) {
                log.info("Not deleting model {}: the active version changed since it was read", id);
                throw ModelConflictException.deletionRaced(id);
            }
            try {
                cache.remove(id);
                loading.remove(id);
                repository.delete(id);
            } catch (IOException e) {
                throw ModelStorageUnavailableException.of("cannot delete model " + id, e);
            } finally {
                try {
                    pointer.endDeletion(id);
                } catch (RuntimeException e) {
                    // the mark only stops activations of this id; deleting it again ends it
                    log.warn("Cannot end the deletion mark of model {}: {}", id, e.getMessage());
                }
            }
            log.info("Deleted model {}", id);
        }
    }

    private Optional<Pointer> readPointer(String what) {
        try {
            return pointer.current();
        } catch (UncheckedIOException | DataAccessException e) {
            throw pointerFailed(what, e);
        }
    }

    /** A pointer that cannot be read or written (a file system error, PostgreSQL away): 503, details logged. */
    private static ModelStorageUnavailableException pointerFailed(String what, RuntimeException e) {
        log.warn("Cannot {}: the active-version pointer failed: {}", what, e.getMessage());
        return ModelStorageUnavailableException.pointerUnavailable(e);
    }

    /** Loads a version asked for by a client: refused at once when it is known to be unusable. */
    private LoadedModel load(String id) {
        StoredModel stored = get(id);
        if (!stored.usable()) {
            throw ModelConflictException.unusable(id, stored.problem());
        }
        try {
            return loadFromRepository(id);
        } catch (ModelUnusableException e) {
            throw ModelConflictException.unusable(id, e.getMessage());
        } catch (IOException e) {
            throw ModelStorageUnavailableException.of("cannot load model " + id, e);
        }
    }

    /** Downloads (for remote storage), verifies, loads and warms up a version; a broken one is marked so. */
    private LoadedModel loadFromRepository(String id) throws IOException {
        long start = System.nanoTime();
        TextClassifier classifier;
        try {
            classifier = repository.load(id).servedBy(engine).withReplicas(replicas);
        } catch (ModelUnusableException e) {
            repository.markUnusable(id, e.getMessage());
            throw e;
        }
        StoredModel stored = repository.find(id).orElseThrow(() -> ModelNotFoundException.forId(id));
        calibrate(classifier, stored.metadata());
        warmUp(classifier);
        loadTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return new LoadedModel(id, stored.metadata(), classifier);
    }

    /**
     * Serves the classifier's probabilities with the temperature its version records (the calibration's one
     * place between stored metadata and answers); a version without one serves them as they are.
     */
    private static void calibrate(TextClassifier classifier, ModelMetadata metadata) {
        classifier.calibratedBy(metadata != null && metadata.calibration() != null
                ? metadata.calibration().temperature() : 1);
    }

    /** The version served now, or null. */
    Serving serving() {
        return serving.get();
    }

    /**
     * Serves {@code current} on as loaded for no generation, unless another version was swapped in meanwhile:
     * the pointer's generation went back (a restored database), so that the generations it counts from now on
     * are followed.
     *
     * @return the version served now
     */
    Serving forgetGeneration(Serving current) {
        synchronized (lock) {
            serving.compareAndSet(current, new Serving(current.model(), 0));
            return serving.get();
        }
    }

    /** The version loaded here for the pointer to name (trained, or activated through this replica), or null. */
    LoadedModel loadedHere(String id) {
        return loadedHere.get(id);
    }

    /** Records the first reading of the pointer and attempt to load what it names as over. */
    void startupOver() {
        startupDone = true;
    }

    /** Records why the desired version could not be loaded, or null once it could. */
    void loadFailure(String reason) {
        lastLoadFailure = reason;
    }

    /** Serves {@code loaded} unless a newer pointer generation is already served. */
    void install(LoadedModel loaded, long generation) {
        synchronized (lock) {
            Serving current = serving.get();
            if (current != null && generation < current.generation()) {
                log.info("Not serving model {}: generation {} is older than the served {}", loaded.id(), generation,
                        current.generation());
                loadedHere.remove(loaded.id());
                return;
            }
            serving.set(new Serving(loaded, generation));
            loadedHere.remove(loaded.id());
        }
        log.info("Serving model {} (pointer generation {}, forward passes on {})", loaded.id(), generation,
                loaded.classifier().engine());
        updateGauges();
    }

    /** Runs a few classifications so that the first real request does not pay for lazy initialisation. */
    private static void warmUp(TextClassifier classifier) {
        List<String> texts = List.of("warming up", "a longer sentence to warm up the network with more steps .");
        for (int i = 0; i < 3; i++) {
            classifier.classify(texts);
            classifier.classify(texts.get(0));
        }
    }

    void noteDesired(Pointer p) {
        if (!p.equals(desired)) {
            desired = p;
            updateGauges();
        }
    }

    private void updateGauges() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Serving s = serving.get();
        if (s != null) {
            rows.add(MultiGauge.Row.of(Tags.of("state", "loaded", "version", s.model().id()), s.generation()));
        }
        Pointer d = desired;
        if (d != null) {
            rows.add(MultiGauge.Row.of(Tags.of("state", "desired", "version", d.modelId()), d.generation()));
        }
        generations.register(rows, true);
    }

    /** A version from the cache (leaving it), else from the repository. */
    LoadedModel takeCachedOrLoad(String id) throws IOException {
        LoadedModel cached;
        synchronized (lock) {
            cached = cache.remove(id);
        }
        return cached != null ? cached : loadFromRepository(id);
    }
}
