package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The model store on a real directory: atomic writes, checksums, corrupt and half-written versions. */
class ModelStoreTest {

    static TextClassifier classifier;
    static final List<String> LABELS = TinyModel.LABELS;

    @TempDir
    Path dir;

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void trainTinyModel() {
        classifier = TinyModel.train(40, 1);
    }

    private SentimentProperties properties() {
        return TestProperties.of(Map.of("sentiment.models-dir", dir.toString()));
    }

    private ModelStore store() {
        return new ModelStore(properties(), json);
    }

    private ModelService service(ModelStore store) {
        ModelService service = new ModelService(store, properties(), new SimpleMeterRegistry());
        await().atMost(Duration.ofSeconds(30)).until(service::startupDone);
        return service;
    }

    private static ModelMetadata metadata(String name) {
        return new ModelMetadata(null, name, Instant.now(), "job", LABELS, TinyModel.hyperParameters(1), classifier.vocabularySize(), null,
                classifier.parameterCount(), null, null, List.of(), 1, 1.0, null, null, null);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesAVersionWithChecksumsAndLoadsIt() throws Exception {
        ModelStore store = store();
        ModelMetadata saved = store.save(classifier, metadata("first"));
        assertThat(saved.checksums()).containsOnlyKeys("model.zip", "vocabulary.txt", "labels.txt");
        assertThat(entries()).containsExactly(saved.id());
        assertThat(store().list()).singleElement().satisfies(v -> {
            assertThat(v.usable()).isTrue();
            assertThat(v.metadata().name()).isEqualTo("first");
        });
        assertThat(store.load(saved.id()).classify("great film").scores()).containsOnlyKeys("negative", "positive");
    }

    @Test
    void aWriteThatFailsMidwayLeavesNothingBehind() throws Exception {
        ModelStore store = store();
        ModelMetadata existing = store.save(classifier, metadata("kept"));
        TextClassifier failing = mock(TextClassifier.class);
        doAnswer(invocation -> {
            Path target = invocation.getArgument(0);
            Files.writeString(target.resolve("model.zip"), "half a model");
            throw new IOException("No space left on device");
        }).when(failing).save(any());
        assertThatThrownBy(() -> store.save(failing, metadata("broken"))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left");
        assertThat(entries()).containsExactly(existing.id());
        assertThat(store.list()).extracting(StoredModel::id).containsExactly(existing.id());
    }

    @Test
    void aVersionWrittenByAnotherReleaseStillLoads() throws Exception {
        ModelMetadata saved = store().save(classifier, metadata("older"));
        Path file = dir.resolve(saved.id()).resolve("metadata.json");
        // an older release did not write embeddingDropout; a newer one may write fields this one does not know
        String edited = Files.readString(file).replaceAll("\"embeddingDropout\"\\s*:\\s*[0-9.]+\\s*,", "")
                .replaceFirst("\\{", "{\"writtenBy\":\"a future release\",");
        assertThat(edited).doesNotContain("embeddingDropout").contains("writtenBy");
        Files.writeString(file, edited);
        ModelStore restarted = store();
        assertThat(restarted.find(saved.id())).hasValueSatisfying(v -> assertThat(v.usable()).isTrue());
        assertThat(restarted.load(saved.id()).classify("great film").scores()).hasSize(2);
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRemovedAtStart() throws Exception {
        Files.createDirectories(dir.resolve(".tmp-20260101-000000-0000"));
        Files.writeString(dir.resolve(".tmp-20260101-000000-0000/model.zip"), "partial");
        Files.createDirectories(dir.resolve(".deleted-20260101-000000-0001"));
        assertThat(store().list()).isEmpty();
        assertThat(entries()).isEmpty();
    }

    @Test
    void aCorruptVersionIsListedUnusableAndAnotherServes() throws Exception {
        ModelStore store = store();
        ModelMetadata good = store.save(classifier, metadata("good"));
        ModelMetadata bad = store.save(classifier, metadata("bad"));
        ModelMetadata noMetadata = store.save(classifier, metadata("no metadata"));
        ModelMetadata truncated = store.save(classifier, metadata("truncated"));
        ModelMetadata noVocabulary = store.save(classifier, metadata("no vocabulary"));
        store.writeActive(bad.id());
        Path truncatedNetwork = dir.resolve(truncated.id()).resolve("model.zip");
        Files.write(truncatedNetwork, java.util.Arrays.copyOf(Files.readAllBytes(truncatedNetwork), 100));
        Files.delete(dir.resolve(noVocabulary.id()).resolve("vocabulary.txt"));
        // flip bytes in the middle of the network file: silent corruption only a checksum catches
        Path network = dir.resolve(bad.id()).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(network);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(network, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(dir.resolve(noMetadata.id()).resolve("metadata.json"), "{not json");

        ModelStore restarted = store();
        ModelService service = service(restarted);
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(good.id()));
        assertThat(restarted.find(bad.id())).hasValueSatisfying(v -> {
            assertThat(v.usable()).isFalse();
            assertThat(v.problem()).contains("checksum");
        });
        assertThat(restarted.find(noMetadata.id())).hasValueSatisfying(v -> assertThat(v.problem()).contains("metadata.json"));
        assertThatThrownBy(() -> service.activate(bad.id())).isInstanceOf(ModelConflictException.class);
        assertThatThrownBy(() -> service.activate(noMetadata.id())).isInstanceOf(ModelConflictException.class);
        assertThatThrownBy(() -> service.activate(truncated.id())).isInstanceOf(ModelConflictException.class);
        assertThatThrownBy(() -> service.activate(noVocabulary.id())).isInstanceOf(ModelConflictException.class)
                .hasMessageContaining("vocabulary.txt");
        assertThat(service.resolve(null).id()).isEqualTo(good.id());
    }

    @Test
    void theActiveVersionCannotBeDeletedAndADeletedOneIsGone() throws Exception {
        ModelStore store = store();
        ModelMetadata first = store.save(classifier, metadata("first"));
        ModelMetadata second = store.save(classifier, metadata("second"));
        store.writeActive(first.id());
        ModelService service = service(store());
        assertThatThrownBy(() -> service.delete(first.id())).isInstanceOf(ModelConflictException.class);
        assertThat(service.resolve(second.id()).id()).isEqualTo(second.id());
        service.delete(second.id());
        assertThatThrownBy(() -> service.resolve(second.id())).isInstanceOf(ModelNotFoundException.class);
        assertThat(entries()).containsExactlyInAnyOrder("active", first.id());
    }

    @Test
    void concurrentActivateDeleteAndClassifyNeverSeeAHalfSwappedOrDeletedModel() throws Exception {
        ModelStore store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        ModelMetadata doomed = store.save(classifier, metadata("doomed"));
        store.writeActive(a.id());
        ModelService service = service(store());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.Future<?>> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            readers.add(pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        ModelService.LoadedModel m = service.resolve(null);
                        assertThat(m.id()).isIn(a.id(), b.id());
                        assertThat(m.classifier().classify("good film").scores()).hasSize(2);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (int i = 0; i < 20; i++) {
            service.activate(i % 2 == 0 ? b.id() : a.id());
            String active = service.active().orElseThrow().id();
            assertThatThrownBy(() -> service.delete(active)).isInstanceOf(ModelConflictException.class);
        }
        service.delete(doomed.id());
        assertThatThrownBy(() -> service.resolve(doomed.id())).isInstanceOf(ModelNotFoundException.class);
        stop.set(true);
        for (java.util.concurrent.Future<?> f : readers) {
            f.get();
        }
        pool.shutdown();
        assertThat(failures).isEmpty();
        assertThat(store().activeId()).contains(service.active().orElseThrow().id());
    }

    @Test
    void pathLikeIdsNeverReachTheFileSystem() throws Exception {
        Files.writeString(dir.getParent().resolve("outside.txt"), "secret");
        ModelStore store = store();
        for (String id : List.of("../outside.txt", "..", "/etc/passwd", "%2e%2e", "a/../../b", "")) {
            assertThat(store.find(id)).isEmpty();
        }
        ModelService service = service(store);
        assertThatThrownBy(() -> service.resolve("../outside.txt")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> service.delete("..")).isInstanceOf(ModelNotFoundException.class);
    }
}
