package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.InferenceEngine;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.ProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Versions asked for by id load outside the service's lock, one load per version at a time, with a bound on
 * how many requests may wait for loads; and following the pointer survives any failure.
 */
class ModelLoadingTest {

    static TextClassifier classifier;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void trainTinyModel() {
        classifier = TinyModel.train(40, 1);
    }

    @AfterEach
    void close() throws Exception {
        clients.shutdownNow();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private SentimentProperties properties(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("sentiment.models-dir", dir.toString());
        settings.put("sentiment.storage.pointer-poll", "200ms");
        settings.put("sentiment.classify.inference-threads", "1");
        return TestProperties.of(settings);
    }

    private static ModelMetadata metadata(String name) {
        return new ModelMetadata(null, name, Instant.now(), "job", TinyModel.LABELS, TinyModel.hyperParameters(1),
                classifier.vocabularySize(), null, classifier.parameterCount(), null, null, List.of(), 1, 1.0, null,
                null, null);
    }

    private ModelService service(ModelRepository repository, ActiveVersionPointer pointer, SentimentProperties properties) {
        ModelService service = new ModelService(repository, pointer, properties, new SimpleMeterRegistry());
        closing.add(service);
        return service;
    }

    @Test
    void aCalibratedVersionServesWithItsTemperatureAndAnOlderOneAsBefore() throws Exception {
        SentimentProperties properties = properties(Map.of("sentiment.inference.engine", "fused"));
        FileSystemModelRepository repository = new FileSystemModelRepository(properties, JsonMapper.builder().build());
        ModelService service = service(repository, new FileSystemActiveVersionPointer(properties), properties);
        String text = "good great fine";
        TextClassifier raw = TinyModel.train(40, 1);
        Map<String, Double> rawScores = raw.classify(text).scores();
        com.example.sentiment.ml.Calibration calibration = com.example.sentiment.ml.Calibration.fit(
                new double[][] {{0.99, 0.01}, {0.98, 0.02}, {0.97, 0.03}, {0.02, 0.98}}, new int[] {0, 1, 0, 1});
        assertThat(calibration.temperature()).as("overconfident fixture").isGreaterThan(1.5);
        double[] expected = com.example.sentiment.ml.Calibration.scaled(new double[] {rawScores.get("negative"),
            rawScores.get("positive")}, calibration.temperature());

        String old = repository.save(classifier, metadata("before calibration")).id();
        String calibrated = repository.save(raw, metadata("calibrated").withCalibration(calibration)).id();
        // loaded from storage, as after a restart
        assertThat(service.activate(calibrated).classifier().classify(text).scores().get("negative"))
                .isCloseTo(expected[0], within(1e-6));
        assertThat(service.activate(old).classifier().temperature()).isEqualTo(1.0);
        assertThat(service.activate(old).classifier().classify(text).scores())
                .isEqualTo(classifier.classify(text).scores());
        // a version recorded later on disk by another process (evaluate --calibrate): read when it is loaded again
        try (ModelService restarted = new ModelService(
                new FileSystemModelRepository(properties, JsonMapper.builder().build()),
                new FileSystemActiveVersionPointer(properties), properties, new SimpleMeterRegistry())) {
            assertThat(restarted.resolve(calibrated).classifier().temperature()).isEqualTo(calibration.temperature());
        }
        // registered straight from training: the trained classifier itself is served with the temperature
        TextClassifier fresh = TinyModel.train(40, 1);
        service.register(fresh, metadata("registered").withCalibration(calibration), true);
        assertThat(service.active().orElseThrow().classifier()).isSameAs(fresh);
        assertThat(fresh.classify(text).scores().get("negative")).isCloseTo(expected[0], within(1e-6));
    }

    @Test
    void versionsAreServedByTheConfiguredEngine() throws Exception {
        List<String> texts = List.of("good great fine", "bad awful", "");
        // the trained classifier's answers on the fused path, as training leaves it
        Map<String, Double> expected = new HashMap<>();
        for (String text : texts) {
            expected.put(text, classifier.servedBy(InferenceEngine.FUSED).classify(text).confidence());
        }
        for (InferenceEngine engine : InferenceEngine.values()) {
            Map<String, String> setting = engine == InferenceEngine.ONNX ? Map.of()
                    : Map.of("sentiment.inference.engine", engine.name().toLowerCase(java.util.Locale.ROOT));
            SentimentProperties properties = properties(setting);
            assertThat(properties.inference().engine()).as("onnx unless set").isEqualTo(engine);
            FileSystemModelRepository repository = new FileSystemModelRepository(properties, JsonMapper.builder().build());
            ModelService service = service(repository, new FileSystemActiveVersionPointer(properties), properties);
            // a version loaded from storage, and one registered from training, in memory
            String stored = repository.save(classifier, metadata("stored " + engine)).id();
            TextClassifier loaded = service.activate(stored).classifier();
            assertThat(loaded.engine()).isEqualTo(engine);
            service.register(classifier, metadata("registered " + engine), true);
            TextClassifier registered = service.active().orElseThrow().classifier();
            assertThat(registered).as("the trained classifier itself").isSameAs(classifier);
            assertThat(registered.engine()).isEqualTo(engine);
            // both give the trained classifier's answers
            for (TextClassifier served : List.of(loaded, registered)) {
                for (String text : texts) {
                    assertThat(served.classify(text).confidence()).as(text).isCloseTo(expected.get(text), within(1e-5));
                }
            }
        }
        classifier.servedBy(InferenceEngine.FUSED);
        assertThatThrownBy(() -> properties(Map.of("sentiment.inference.engine", "tensorflow")))
                .as("an unknown engine stops the start").isInstanceOf(RuntimeException.class);
    }

    @Test
    void pointerPollingCarriesOnAfterAnErrorFromThePointer() throws Exception {
        SentimentProperties properties = properties(Map.of());
        FileSystemModelRepository repository = new FileSystemModelRepository(properties, JsonMapper.builder().build());
        String id = repository.save(classifier, metadata("pointed")).id();
        FileSystemActiveVersionPointer stored = new FileSystemActiveVersionPointer(properties);
        stored.set(id);
        AtomicInteger errors = new AtomicInteger(2);
        ActiveVersionPointer failingTwice = new ActiveVersionPointer() {
            @Override
            public Optional<Pointer> current() {
                if (errors.getAndDecrement() > 0) {
                    throw new OutOfMemoryError("a test double of the pointer");
                }
                return stored.current();
            }

            @Override
            public Pointer set(String modelId) {
                return stored.set(modelId);
            }

            @Override
            public Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
                return stored.compareAndSet(expectedGeneration, modelId);
            }

            @Override
            public void onChange(Runnable listener) {
                stored.onChange(listener);
            }
        };
        ModelService service = service(repository, failingTwice, properties);
        // no notification comes: only the poll, which must outlive the two Errors, finds the version
        await().atMost(Duration.ofSeconds(30)).until(() -> service.active().isPresent());
        assertThat(service.active().get().id()).isEqualTo(id);
        assertThat(errors.get()).isNegative();
    }

    /** A repository whose loads of the versions in {@code held} wait until {@code release} opens. */
    private static final class HeldLoads extends DelayedLoads {
        final Set<String> held = ConcurrentHashMap.newKeySet();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch loading = new CountDownLatch(1);
        final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

        HeldLoads(ModelRepository delegate) {
            super(delegate, Duration.ZERO);
        }

        @Override
        public TextClassifier load(String id) throws IOException {
            loads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (held.contains(id)) {
                loading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return super.load(id);
        }
    }

    /** A service over a store of {@code count} versions, the first active, each load of the second held. */
    private record Setup(ModelService service, HeldLoads repository, List<String> ids) {
    }

    private Setup setup(int count, Map<String, String> settings) throws Exception {
        SentimentProperties properties = properties(settings);
        HeldLoads repository = new HeldLoads(new FileSystemModelRepository(properties, JsonMapper.builder().build()));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(repository.save(classifier, metadata("v" + i)).id());
        }
        FileSystemActiveVersionPointer pointer = new FileSystemActiveVersionPointer(properties);
        pointer.set(ids.get(0));
        ModelService service = service(repository, pointer, properties);
        await().atMost(Duration.ofSeconds(30)).until(() -> service.active().isPresent());
        repository.held.add(ids.get(1));
        return new Setup(service, repository, ids);
    }

    @Test
    void activationAndDeletionDoNotWaitForALoadOfAnotherVersion() throws Exception {
        Setup s = setup(4, Map.of());
        try {
            Future<ModelService.LoadedModel> slow = clients.submit(() -> s.service().resolve(s.ids().get(1)));
            assertThat(s.repository().loading.await(20, TimeUnit.SECONDS)).isTrue();

            Future<ModelService.LoadedModel> activated = clients.submit(() -> s.service().activate(s.ids().get(2)));
            assertThat(activated.get(20, TimeUnit.SECONDS).id()).isEqualTo(s.ids().get(2));
            Future<?> deleted = clients.submit(() -> s.service().delete(s.ids().get(3)));
            deleted.get(20, TimeUnit.SECONDS);
            assertThat(slow).isNotDone();

            s.repository().release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS).id()).isEqualTo(s.ids().get(1));
        } finally {
            s.repository().release.countDown();
        }
    }

    @Test
    void requestsForOneVersionShareOneLoadAndTooManyWaitingAreRefusedWith503() throws Exception {
        Setup s = setup(3, Map.of("sentiment.classify.max-waiting-loads", "3"));
        try {
            List<Future<ModelService.LoadedModel>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(clients.submit(() -> s.service().resolve(s.ids().get(1))));
            }
            assertThat(s.repository().loading.await(20, TimeUnit.SECONDS)).isTrue();
            // all three wait (the first is loading; the others may not have asked yet when its load starts)
            await().atMost(Duration.ofSeconds(20)).until(() -> s.service().waitingLoads() == 3);

            // a fourth request to wait for a load, of any version, is refused at once
            Future<ModelService.LoadedModel> oneTooMany = clients.submit(() -> s.service().resolve(s.ids().get(2)));
            ExecutionException refused = catchThrowableOfType(ExecutionException.class,
                    () -> oneTooMany.get(20, TimeUnit.SECONDS));
            assertThat(refused).isNotNull();
            assertThat(refused.getCause()).isInstanceOf(ProblemException.class);
            assertThat(((ProblemException) refused.getCause()).status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            // the served version needs no load and never waits
            assertThat(s.service().resolve(null).id()).isEqualTo(s.ids().get(0));
            assertThat(s.service().resolve(s.ids().get(0)).id()).isEqualTo(s.ids().get(0));

            s.repository().release.countDown();
            ModelService.LoadedModel first = waiting.get(0).get(20, TimeUnit.SECONDS);
            for (Future<ModelService.LoadedModel> w : waiting) {
                assertThat(w.get(20, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(s.repository().loads.get(s.ids().get(1))).hasValue(1);
            assertThat(s.service().resolve(s.ids().get(2)).id()).isEqualTo(s.ids().get(2));
        } finally {
            s.repository().release.countDown();
        }
    }
}
