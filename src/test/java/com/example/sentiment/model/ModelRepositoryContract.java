package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.LongText;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.TextClassifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * What every {@link ModelRepository} adapter must do, and {@link ModelService} following the pointer on top of
 * it. An adapter's test extends this class, says how to open the repository ({@link #reopen()} gives a new one
 * over the same storage, as another replica or a restarted service would open it) and how to reach the stored
 * bytes behind the repository's back.
 */
abstract class ModelRepositoryContract {

    static TextClassifier classifier;
    static final String SENTENCE = "a wonderful , moving film";

    @TempDir
    Path pointerDir;

    private final List<ModelService> services = new ArrayList<>();

    @BeforeAll
    static void trainTinyModel() {
        classifier = TinyModel.train(40, 1);
    }

    @AfterEach
    void stopServices() {
        services.forEach(ModelService::close);
    }

    /** A repository over the adapter's storage (the same storage for every call within one test). */
    protected abstract ModelRepository reopen();

    /** The stored bytes of one file of a version, read behind the repository's back. */
    protected abstract byte[] readStored(String id, String file) throws Exception;

    /** Replaces one stored file of a version behind the repository's back (silent corruption, a repair). */
    protected abstract void writeStored(String id, String file, byte[] bytes) throws Exception;

    /** What a write interrupted before its metadata leaves: the files of a version under {@code id}, no metadata. */
    protected abstract void writeFilesWithoutMetadata(String id, Path filesOfAVersion) throws Exception;

    protected static ModelMetadata metadata(String name) {
        return new ModelMetadata(null, name, Instant.now(), "job", TinyModel.LABELS, TinyModel.hyperParameters(1),
                classifier.vocabularySize(), null, classifier.parameterCount(), null, null, List.of(), 1, 1.0, null,
                null, null);
    }

    protected static ModelMetadata metadata(String id, String name) {
        return metadata(name).withId(id, null);
    }

    /** Settings of the services under test: a short pointer poll, and the pointer file in a folder of its own. */
    protected SentimentProperties serviceProperties() {
        return TestProperties.of(Map.of("sentiment.models-dir", pointerDir.toString(),
                "sentiment.storage.pointer-poll", "200ms", "sentiment.classify.inference-threads", "1"));
    }

    protected ModelService service(ModelRepository repository, ActiveVersionPointer pointer) {
        ModelService service = new ModelService(repository, pointer, serviceProperties(), new SimpleMeterRegistry());
        services.add(service);
        await().atMost(Duration.ofSeconds(60)).until(service::startupDone);
        return service;
    }

    private static void flipAByteInTheMiddle(byte[] bytes) {
        bytes[bytes.length / 2] ^= 0x5a;
    }

    @Test
    void aSavedVersionIsListedFoundAndLoadsWithTheSameAnswers() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata saved = repository.save(classifier, metadata("first"));
        assertThat(saved.id()).matches("[0-9]{8}-[0-9]{6}-[0-9a-f]{4}");
        assertThat(saved.checksums()).containsOnlyKeys("model.zip", "vocabulary.txt", "labels.json", "labels.txt")
                .allSatisfy((file, sha) -> assertThat(sha).matches("[0-9a-f]{64}"));
        assertThat(saved.checksums().get("labels.txt"))
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(readStored(saved.id(), "labels.txt"))));

        ModelRepository other = reopen();
        assertThat(other.list()).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(saved.id());
            assertThat(v.usable()).isTrue();
            assertThat(v.metadata().name()).isEqualTo("first");
            assertThat(v.metadata().checksums()).isEqualTo(saved.checksums());
        });
        assertThat(other.find(saved.id())).hasValueSatisfying(v -> assertThat(v.metadata().labels())
                .isEqualTo(TinyModel.LABELS));
        TextClassifier loaded = other.load(saved.id());
        assertThat(loaded.labels()).isEqualTo(TinyModel.LABELS);
        assertThat(loaded.classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
    }

    @Test
    void furtherFilesAreStoredCheckedAndReadWithTheVersion() throws Exception {
        ModelRepository repository = reopen();
        byte[] profile = "{\"format\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ModelMetadata saved = repository.save(classifier, metadata("with a profile"),
                Map.of("drift-reference.json", profile));
        ModelMetadata plain = repository.save(classifier, metadata("without"));
        assertThat(saved.checksums()).containsKey("drift-reference.json");
        assertThat(readStored(saved.id(), "drift-reference.json")).isEqualTo(profile);

        for (ModelRepository r : List.of(repository, reopen())) {
            assertThat(r.readFile(saved.id(), "drift-reference.json")).hasValue(profile);
            // a version without the file (such as one from before it existed) answers nothing, not an error
            assertThat(r.readFile(plain.id(), "drift-reference.json")).isEmpty();
            assertThat(r.readFile(saved.id(), "no-such-file.json")).isEmpty();
            assertThatThrownBy(() -> r.readFile("20260101-000000-ffff", "drift-reference.json"))
                    .isInstanceOf(ModelNotFoundException.class);
            // the classifier loads as ever
            assertThat(r.load(saved.id()).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
        }

        byte[] corrupted = profile.clone();
        flipAByteInTheMiddle(corrupted);
        writeStored(saved.id(), "drift-reference.json", corrupted);
        assertThatThrownBy(() -> reopen().readFile(saved.id(), "drift-reference.json"))
                .isInstanceOf(ModelUnusableException.class).hasMessageContaining("drift-reference.json");
        // a further file may not replace one of the classifier's
        assertThatThrownBy(() -> repository.save(classifier, metadata("clash"), Map.of("labels.json", profile)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFurtherFileIsReplacedWithItsChecksumAndTheClassifiersFilesNeverAre() throws Exception {
        ModelRepository repository = reopen();
        byte[] first = "{\"format\":1,\"sampleSize\":10}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] second = "{\"format\":1,\"sampleSize\":872}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ModelMetadata saved = repository.save(classifier, metadata("rebuilt"), Map.of("drift-reference.json", first));
        ModelMetadata plain = repository.save(classifier, metadata("without"));

        ModelMetadata replaced = repository.replaceFurtherFile(saved.id(), "drift-reference.json", second);
        assertThat(replaced.checksums().get("drift-reference.json"))
                .isNotEqualTo(saved.checksums().get("drift-reference.json"))
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(second)));
        Map<String, String> others = new java.util.HashMap<>(saved.checksums());
        others.remove("drift-reference.json");
        assertThat(replaced.checksums()).containsAllEntriesOf(others).hasSize(saved.checksums().size());
        // a version without the file gets one
        assertThat(repository.replaceFurtherFile(plain.id(), "drift-reference.json", first).checksums())
                .containsKey("drift-reference.json");

        for (ModelRepository r : List.of(repository, reopen())) {
            assertThat(r.readFile(saved.id(), "drift-reference.json")).hasValue(second);
            assertThat(r.readFile(plain.id(), "drift-reference.json")).hasValue(first);
            assertThat(r.find(saved.id()).orElseThrow().metadata().checksums()).isEqualTo(replaced.checksums());
            // every checksum still vouches for its file: the version loads
            assertThat(r.load(saved.id()).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
        }

        for (String own : List.of("model.zip", "labels.json", "vocabulary.txt", "metadata.json", "../escape", "")) {
            assertThatThrownBy(() -> repository.replaceFurtherFile(saved.id(), own, second))
                    .as(own).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(reopen().load(saved.id()).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
        assertThatThrownBy(() -> repository.replaceFurtherFile("20260101-000000-ffff", "drift-reference.json", second))
                .isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aVersionReadsLongTextsAsItsSettingsSayAndOneWithoutTheSettingTruncates() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata plain = metadata("before long texts");
        ModelMetadata chunked = repository.save(classifier, new ModelMetadata(null, "chunked", Instant.now(), "job",
                TinyModel.LABELS, TinyModel.hyperParameters(1).withLongText(LongText.CHUNK, 5),
                classifier.vocabularySize(), null, classifier.parameterCount(), null, null, List.of(), 1, 1.0, null,
                null, null));
        ModelMetadata old = repository.save(classifier, plain);
        assertThat(plain.hyperParameters()).as("settings made without it")
                .isEqualTo(TinyModel.hyperParameters(1).withLongText(LongText.TRUNCATE, 0));
        String longText = "a wonderful film ".repeat(20);

        ModelRepository other = reopen();
        assertThat(other.find(chunked.id()).orElseThrow().metadata().hyperParameters().longText())
                .isEqualTo(LongText.CHUNK);
        TextClassifier reads = other.load(chunked.id());
        assertThat(reads.longText()).isEqualTo(LongText.CHUNK);
        // 60 tokens, windows of 20 every 5
        assertThat(reads.classify(longText).chunks()).isEqualTo(9);
        assertThat(reads.classify(longText).truncated()).isFalse();
        TextClassifier truncates = other.load(old.id());
        assertThat(truncates.longText()).isEqualTo(LongText.TRUNCATE);
        assertThat(truncates.classify(longText).chunks()).isEqualTo(1);
        assertThat(truncates.classify(longText).truncated()).isTrue();
    }

    @Test
    void filesWithoutMetadataAreNoVersion(@TempDir Path files) throws Exception {
        classifier.save(files);
        String id = "20260101-000000-0001";
        writeFilesWithoutMetadata(id, files);
        ModelRepository repository = reopen();
        assertThat(repository.list()).isEmpty();
        assertThat(repository.find(id)).isEmpty();
        assertThatThrownBy(() -> repository.load(id)).isInstanceOf(ModelNotFoundException.class);
        // and the id is not taken by what the interrupted write left: a version can still be written there
        assertThat(repository.save(classifier, metadata(id, "written after")).id()).isEqualTo(id);
        assertThat(reopen().load(id).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
    }

    @Test
    void aCorruptedFileIsRefusedAtLoad() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata saved = repository.save(classifier, metadata("to corrupt"));
        byte[] network = readStored(saved.id(), "model.zip");
        flipAByteInTheMiddle(network);
        writeStored(saved.id(), "model.zip", network);
        for (ModelRepository r : List.of(repository, reopen())) {
            assertThatThrownBy(() -> r.load(saved.id())).isInstanceOf(ModelUnusableException.class)
                    .hasMessageContaining("model.zip").hasMessageContaining("checksum");
        }
    }

    @Test
    void aSecondWriteOfTheSameIdIsRefusedAndChangesNothing() throws Exception {
        ModelRepository repository = reopen();
        String id = "20260101-000000-00aa";
        ModelMetadata first = repository.save(classifier, metadata(id, "first"));
        TextClassifier different = TinyModel.train(40, 2);
        for (ModelRepository r : List.of(repository, reopen())) {
            assertThatThrownBy(() -> r.save(different, metadata(id, "second"))).isInstanceOf(ModelConflictException.class)
                    .hasMessageContaining(id);
        }
        ModelRepository other = reopen();
        assertThat(other.list()).singleElement().satisfies(v -> {
            assertThat(v.metadata().name()).isEqualTo("first");
            assertThat(v.metadata().checksums()).isEqualTo(first.checksums());
        });
        assertThat(other.load(id).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
    }

    @Test
    void aDeletedVersionIsGoneAndTheOthersStay() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata kept = repository.save(classifier, metadata("kept"));
        ModelMetadata doomed = repository.save(classifier, metadata("doomed"));
        repository.load(doomed.id());
        repository.delete(doomed.id());
        for (ModelRepository r : List.of(repository, reopen())) {
            assertThat(r.list()).extracting(StoredModel::id).containsExactly(kept.id());
            assertThat(r.find(doomed.id())).isEmpty();
            assertThatThrownBy(() -> r.load(doomed.id())).isInstanceOf(ModelNotFoundException.class);
            assertThatThrownBy(() -> r.delete(doomed.id())).isInstanceOf(ModelNotFoundException.class);
        }
        assertThat(reopen().load(kept.id()).labels()).isEqualTo(TinyModel.LABELS);
    }

    @Test
    void aCalibrationIsStoredAndReadBackWithItsCurve() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata saved = repository.save(classifier, metadata("calibrated"));
        assertThat(saved.calibration()).isNull();
        com.example.sentiment.ml.Calibration calibration = com.example.sentiment.ml.Calibration.fit(
                new double[][] {{0.9, 0.1}, {0.2, 0.8}, {0.95, 0.05}, {0.4, 0.6}}, new int[] {0, 1, 1, 0})
                .withDefaults(0.9, 0.1);
        repository.recordCalibration(saved.id(), calibration);
        assertThat(reopen().find(saved.id()).orElseThrow().metadata().calibration()).satisfies(c -> {
            assertThat(c.temperature()).isEqualTo(calibration.temperature());
            assertThat(c.precisionCurve().answered()).isEqualTo(calibration.precisionCurve().answered());
            assertThat(c.reliabilityAfter()).isEqualTo(calibration.reliabilityAfter());
            assertThat(c.targetPrecision()).isEqualTo(0.9);
            assertThat(c.ambiguityMargin()).isEqualTo(0.1);
        });
    }

    @Test
    void metadataUpdatesReplaceTheMetadataAndKeepTheFiles() throws Exception {
        ModelRepository repository = reopen();
        ModelMetadata saved = repository.save(classifier, metadata("tuned"));
        assertThat(repository.recordMinConfidence(saved.id(), 0.7).minConfidence()).isEqualTo(0.7);
        EvaluationReport report = classifier.evaluate(new com.example.sentiment.ml.LabelledTexts(
                List.of("a wonderful film", "a dreadful film"), new int[] {1, 0}));
        // a second repository, as another replica: its update must not lose the first one's
        ModelRepository other = reopen();
        ModelMetadata evaluated = other.recordEvaluation(saved.id(), "dev.csv", report);
        assertThat(evaluated.minConfidence()).isEqualTo(0.7);
        for (ModelRepository r : List.of(repository, other, reopen())) {
            // a listing sees what another replica changed; a lookup may answer from what this one knows
            assertThat(r.list()).singleElement().satisfies(v -> assertThat(v.metadata().evaluations()).isNotNull());
            assertThat(r.find(saved.id()).orElseThrow().metadata()).satisfies(m -> {
                assertThat(m.minConfidence()).isEqualTo(0.7);
                assertThat(m.evaluations()).containsOnlyKeys("dev.csv");
                assertThat(m.evaluations().get("dev.csv").examples()).isEqualTo(2);
                assertThat(m.checksums()).isEqualTo(saved.checksums());
            });
        }
        assertThat(reopen().load(saved.id()).classify(SENTENCE).scores()).isEqualTo(classifier.classify(SENTENCE).scores());
        assertThatThrownBy(() -> repository.recordMinConfidence("20260101-000000-ffff", 0.5))
                .isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void pathLikeIdsFindNothing() throws Exception {
        ModelRepository repository = reopen();
        repository.save(classifier, metadata("one"));
        for (String id : List.of("../outside.txt", "..", "/etc/passwd", "%2e%2e", "a/../../b", "")) {
            assertThat(repository.find(id)).isEmpty();
            assertThatThrownBy(() -> repository.load(id)).isInstanceOf(ModelNotFoundException.class);
        }
    }

    @Test
    void aSecondServiceSharingRepositoryAndPointerFollowsAnActivation() throws Exception {
        ModelRepository repository = reopen();
        ActiveVersionPointer pointer = new FileSystemActiveVersionPointer(serviceProperties());
        ModelMetadata first = repository.save(classifier, metadata("first"));
        ModelMetadata second = repository.save(TinyModel.train(40, 2), metadata("second"));
        pointer.set(first.id());
        ModelService a = service(repository, pointer);
        ModelService b = service(repository, pointer);
        // and one that shares nothing but the storage, as a replica in another process would: it polls
        ModelService c = service(reopen(), new FileSystemActiveVersionPointer(serviceProperties()));
        for (ModelService s : List.of(a, b, c)) {
            assertThat(s.loadedVersion()).hasValueSatisfying(v -> assertThat(v.modelId()).isEqualTo(first.id()));
        }

        a.activate(second.id());
        assertThat(a.loadedVersion()).hasValueSatisfying(v -> assertThat(v.modelId()).isEqualTo(second.id()));
        for (ModelService s : List.of(b, c)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(s.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(second.id()));
                assertThat(s.resolve(null).classifier().classify(SENTENCE).scores())
                        .isEqualTo(a.resolve(null).classifier().classify(SENTENCE).scores());
            });
            assertThat(s.desiredVersion()).hasValueSatisfying(v -> assertThat(v.modelId()).isEqualTo(second.id()));
        }
        assertThat(b.loadedVersion()).isEqualTo(a.loadedVersion()).isEqualTo(pointer.current());
        Health health = new ModelHealthIndicators().activeModelHealthIndicator(c).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("loadedVersion", second.id())
                .containsEntry("desiredVersion", second.id());
        assertThatThrownBy(() -> c.delete(second.id())).isInstanceOf(ModelConflictException.class);
    }

    @Test
    void aVersionThatFailsToLoadKeepsTheOldOneServingAndIsRetried() throws Exception {
        ModelRepository repository = reopen();
        ActiveVersionPointer pointer = new FileSystemActiveVersionPointer(serviceProperties());
        ModelMetadata good = repository.save(classifier, metadata("good"));
        ModelMetadata broken = repository.save(TinyModel.train(40, 2), metadata("broken"));
        pointer.set(good.id());
        ModelService replica = service(reopen(), new FileSystemActiveVersionPointer(serviceProperties()));
        assertThat(replica.loadedVersion()).hasValueSatisfying(v -> assertThat(v.modelId()).isEqualTo(good.id()));

        byte[] original = readStored(broken.id(), "model.zip");
        byte[] corrupted = original.clone();
        flipAByteInTheMiddle(corrupted);
        writeStored(broken.id(), "model.zip", corrupted);
        // another replica moved the pointer (through the API, activation would have refused the broken version)
        pointer.set(broken.id());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(replica.desiredVersion()).hasValueSatisfying(v -> assertThat(v.modelId()).isEqualTo(broken.id()));
            assertThat(replica.lastLoadFailure()).contains("checksum");
        });
        assertThat(replica.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(good.id()));
        // the replica serves through its engine (ONNX Runtime), the fixture through the fused path: equal to
        // float rounding, which differs between CPUs (exactly equal on an AMD EPYC, 3e-8 apart on an Intel Xeon)
        Map<String, Double> served = replica.resolve(null).classifier().classify(SENTENCE).scores();
        classifier.classify(SENTENCE).scores().forEach((label, score) ->
                assertThat(served.get(label)).as(label).isCloseTo(score, offset(1e-6)));
        assertThat(served).hasSameSizeAs(classifier.classify(SENTENCE).scores());
        Health health = new ModelHealthIndicators().activeModelHealthIndicator(replica).health();
        assertThat(health.getStatus()).as("readiness stays up while a valid model serves").isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("loadedVersion", good.id())
                .containsEntry("desiredVersion", broken.id())
                .hasEntrySatisfying("desiredVersionProblem", p -> assertThat(p.toString()).contains("model.zip"));

        // repaired in the store: a retry (with back-off) loads it
        writeStored(broken.id(), "model.zip", original);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(replica.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(broken.id())));
        assertThat(replica.lastLoadFailure()).isNull();
    }

    @Test
    void aRegisteredAndActivatedClassifierServesAsItIsInMemory() throws Exception {
        ModelRepository repository = reopen();
        ActiveVersionPointer pointer = new FileSystemActiveVersionPointer(serviceProperties());
        ModelService service = service(repository, pointer);
        assertThat(service.active()).isEmpty();
        TextClassifier fresh = TinyModel.train(40, 1);
        ModelMetadata stored = service.register(fresh, metadata("fresh"), true);
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.classifier()).isSameAs(fresh));
        assertThat(pointer.current()).hasValueSatisfying(p -> assertThat(p.modelId()).isEqualTo(stored.id()));
        // the follower, told of the change, keeps the same object instead of reading the version back
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(service.active().orElseThrow().classifier()).isSameAs(fresh));
        assertThat(service.loadedVersion()).isEqualTo(pointer.current());
    }

    protected static Path write(Path dir, String file, byte[] bytes) throws Exception {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(file), bytes);
    }
}
