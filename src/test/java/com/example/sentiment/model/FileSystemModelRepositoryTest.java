package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestCorpus;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.FailingDisk;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.ProblemTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file-system adapter against the repository contract, and what only a directory can go through: atomic
 * writes, crash left-overs, corrupt and half-written versions, versions of other releases, the {@code active}
 * file. The pointer and the versions share the models directory here, as in the embedded default.
 */
class FileSystemModelRepositoryTest extends ModelRepositoryContract {

    @TempDir
    Path dir;

    private final JsonMapper json = JsonMapper.builder().build();

    private SentimentProperties properties() {
        return TestProperties.of(Map.of("sentiment.models-dir", dir.toString(),
                "sentiment.storage.pointer-poll", "200ms", "sentiment.classify.inference-threads", "1"));
    }

    @Override
    protected ModelRepository reopen() {
        return store();
    }

    @Override
    protected byte[] readStored(String id, String file) throws Exception {
        return Files.readAllBytes(dir.resolve(id).resolve(file));
    }

    @Override
    protected void writeStored(String id, String file, byte[] bytes) throws Exception {
        Files.write(dir.resolve(id).resolve(file), bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    protected void writeFilesWithoutMetadata(String id, Path filesOfAVersion) throws Exception {
        // a version folder only ever appears by a rename with its metadata inside: before, it is a temporary one
        try (Stream<Path> files = Files.list(filesOfAVersion)) {
            for (Path f : files.toList()) {
                write(dir.resolve(".tmp-" + id), f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
    }

    private FileSystemModelRepository store() {
        return new FileSystemModelRepository(properties(), json);
    }

    private ActiveVersionPointer pointer() {
        return new FileSystemActiveVersionPointer(properties());
    }

    private ModelService service(ModelRepository store) {
        return service(store, pointer());
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSavedVersionIsOneFolderRenamedIntoPlace() throws Exception {
        ModelMetadata saved = store().save(classifier, metadata("first"));
        assertThat(entries()).containsExactly(saved.id());
        try (Stream<Path> files = Files.list(dir.resolve(saved.id()))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.zip", "vocabulary.txt", "labels.json", "labels.txt", "metadata.json");
        }
    }

    @Test
    void aWriteThatFailsMidwayLeavesNothingBehind() throws Exception {
        FileSystemModelRepository store = store();
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
        FileSystemModelRepository restarted = store();
        assertThat(restarted.find(saved.id())).hasValueSatisfying(v -> assertThat(v.usable()).isTrue());
        assertThat(restarted.load(saved.id()).classify("great film").scores()).hasSize(2);
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRemovedAtStart() throws Exception {
        Files.createDirectories(dir.resolve(".tmp-20260101-000000-0000"));
        Files.writeString(dir.resolve(".tmp-20260101-000000-0000/model.zip"), "partial");
        Files.createDirectories(dir.resolve(".deleted-20260101-000000-0001"));
        Files.writeString(dir.resolve(".tmp-active"), "20260101-000000-0000");
        // left by a crash: older than sentiment.storage.stale-temporary-age (1h by default)
        for (String name : List.of(".tmp-20260101-000000-0000/model.zip", ".tmp-20260101-000000-0000",
                ".deleted-20260101-000000-0001", ".tmp-active")) {
            backdate(dir.resolve(name), Duration.ofHours(2));
        }
        assertThat(store().list()).isEmpty();
        assertThat(entries()).isEmpty();
    }

    @Test
    void anotherProcessesSaveInProgressSurvivesASecondStoreStarting() throws Exception {
        // what a save or pointer write of another process sharing the volume looks like at this moment
        Files.createDirectories(dir.resolve(".tmp-20260101-000000-0000-writing"));
        Files.writeString(dir.resolve(".tmp-20260101-000000-0000-writing/model.zip"), "being written");
        Files.writeString(dir.resolve(".tmp-active-writing"), "20260101-000000-0000");
        Files.createDirectories(dir.resolve(".tmp-old"));
        backdate(dir.resolve(".tmp-old"), Duration.ofHours(2));
        // a folder whose own time is old but which is still being written into is not stale either
        Files.createDirectories(dir.resolve(".tmp-old-folder-fresh-file"));
        Files.writeString(dir.resolve(".tmp-old-folder-fresh-file/model.zip"), "still growing");
        backdate(dir.resolve(".tmp-old-folder-fresh-file"), Duration.ofHours(2));

        store();
        store();

        assertThat(entries()).containsExactly(".tmp-20260101-000000-0000-writing", ".tmp-active-writing",
                ".tmp-old-folder-fresh-file");
        assertThat(Files.readString(dir.resolve(".tmp-20260101-000000-0000-writing/model.zip")))
                .isEqualTo("being written");
    }

    @Test
    void aSourceFolderBeingImportedIsNeverCleanedUp() throws Exception {
        Path source = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createDirectories(source.resolve(".tmp-20260101-000000-0000"));
        Files.createDirectories(source.resolve(".deleted-20260101-000000-0001"));
        backdate(source.resolve(".tmp-20260101-000000-0000"), Duration.ofDays(2));
        backdate(source.resolve(".deleted-20260101-000000-0001"), Duration.ofDays(2));

        new FileSystemModelRepository(source, json).list();

        try (Stream<Path> list = Files.list(source)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    ".tmp-20260101-000000-0000", ".deleted-20260101-000000-0001");
        }
    }

    @Test
    void aVersionWhoseFilesTheDiskRefusesToFlushIsNotPublished() throws Exception {
        FileSystemModelRepository store = store();
        try (AutoCloseable disk = FailingDisk.failFsyncOf(p -> p.getFileName().toString().equals("model.zip"))) {
            assertThatThrownBy(() -> store.save(classifier, metadata("unflushed"))).isInstanceOf(IOException.class)
                    .hasMessageContaining("Input/output error");
        }
        assertThat(entries()).isEmpty();
        assertThat(store().list()).isEmpty();
    }

    @Test
    void concurrentMetadataUpdatesOfTwoProcessesNeverPublishATornFile() throws Exception {
        String id = store().save(classifier, metadata("shared")).id();
        Path file = dir.resolve(id).resolve("metadata.json");
        // two processes sharing the volume: each has its own repository, and no lock in common
        List<FileSystemModelRepository> processes = List.of(store(), store());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                FileSystemModelRepository process = processes.get(w);
                double threshold = 0.5 + w * 0.1;
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        process.recordMinConfidence(id, threshold);
                    }
                    return null;
                }));
            }
            java.util.concurrent.Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (writing.get()) {
                    ModelMetadata read = json.readValue(Files.readAllBytes(file), ModelMetadata.class);
                    assertThat(read.id()).isEqualTo(id);
                    reads++;
                }
                return reads;
            });
            try {
                for (java.util.concurrent.Future<?> writer : writers) {
                    writer.get(120, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                writing.set(false);
            }
            assertThat(reader.get(10, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
        } finally {
            threads.shutdownNow();
        }
        assertThat(store().find(id)).hasValueSatisfying(v -> {
            assertThat(v.usable()).isTrue();
            assertThat(v.metadata().minConfidence()).isIn(0.5, 0.6);
        });
        try (Stream<Path> files = Files.list(dir.resolve(id))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("tmp"));
        }
    }

    @Test
    void aDeserializationBombWithMatchingChecksumsFailsFastAndTheActiveModelServesOn() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        // whoever can write the store can also record matching checksums: only the filter stands in the way
        plantInNetworkFile(b.id(), "preprocessor.bin", hashSetBomb(60));
        pointer().set(a.id());
        ModelService service = service(store());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> service.activate(b.id())).isInstanceOf(ModelConflictException.class)
                        .hasMessageContaining("deserialization filter"));
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(a.id()));
        assertThat(service.resolve(null).classifier().classify("a great film").scores()).hasSize(2);
        assertThat(store().find(b.id())).hasValueSatisfying(v -> assertThat(v.usable()).isTrue());
    }

    @Test
    void aClassThatNoModelFileHoldsIsNeverDeserialized() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata saved = store.save(classifier, metadata("gadget"));
        plantInNetworkFile(saved.id(), "preprocessor.bin", serialized(new Gadget()));
        Gadget.RAN.set(false);
        assertThatThrownBy(() -> store().load(saved.id())).isInstanceOf(ModelUnusableException.class)
                .hasMessageContaining("deserialization filter");
        assertThat(Gadget.RAN).as("the planted object's readObject ran").isFalse();
    }

    @Test
    void aVersionWhoseLabelHasALineBreakStillLoadsAfterARestart() throws Exception {
        // written by an earlier release's upload, or any other way: storage must not depend on labels being lines
        List<String> labels = List.of("not\ngood", "good");
        List<TestCorpus.Example> corpus = TestCorpus.examples(40, 3);
        int[] indexes = corpus.stream().mapToInt(e -> e.label().equals("positive") ? 1 : 0).toArray();
        com.example.sentiment.ml.LabelledTexts data = new com.example.sentiment.ml.LabelledTexts(
                corpus.stream().map(TestCorpus.Example::text).toList(), indexes);
        TextClassifier odd = new com.example.sentiment.ml.ClassifierTrainer().train(data, data, labels,
                TinyModel.hyperParameters(1), null, com.example.sentiment.ml.TrainingObserver.NONE, () -> false)
                .classifier();
        ModelMetadata saved = store().save(odd, metadata("odd labels"));
        TextClassifier loaded = store().load(saved.id());
        assertThat(loaded.labels()).isEqualTo(labels);
        assertThat(loaded.classify("a great film").scores()).containsOnlyKeys(labels);
    }

    @Test
    void theFirstBundledModelWithOnlyItsLabelsTxtStillLoads() throws Exception {
        String id = com.example.sentiment.BundledModel.copyTo(dir, com.example.sentiment.BundledModel.FIRST_DEFAULT);
        assertThat(dir.resolve(id).resolve("labels.json")).as("stored before labels.json").doesNotExist();
        assertThat(store().load(id).labels()).containsExactly("negative", "positive");
    }

    /** Stands for a gadget: any serializable class whose deserialization runs code. */
    static final class Gadget implements java.io.Serializable {
        static final java.util.concurrent.atomic.AtomicBoolean RAN = new java.util.concurrent.atomic.AtomicBoolean();

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            RAN.set(true);
        }
    }

    /** The classic: sets nested so that hashing the outer one takes 2^depth steps. */
    private static byte[] hashSetBomb(int depth) throws IOException {
        java.util.Set<Object> root = new java.util.HashSet<>();
        java.util.Set<Object> s1 = root;
        java.util.Set<Object> s2 = new java.util.HashSet<>();
        for (int i = 0; i < depth; i++) {
            java.util.Set<Object> t1 = new java.util.HashSet<>();
            java.util.Set<Object> t2 = new java.util.HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return serialized(root);
    }

    private static byte[] serialized(Object object) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    /** Adds an entry to a stored version's network file and records the file's new checksum, as a writer could. */
    private void plantInNetworkFile(String id, String entry, byte[] content) throws Exception {
        Path zip = dir.resolve(id).resolve(TextClassifier.NETWORK_FILE);
        Path rewritten = dir.resolve(id + ".zip");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(rewritten))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new java.util.zip.ZipEntry(entry));
            out.write(content);
            out.closeEntry();
        }
        Files.move(rewritten, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path metadataFile = dir.resolve(id).resolve("metadata.json");
        ModelMetadata metadata = json.readValue(metadataFile.toFile(), ModelMetadata.class);
        Map<String, String> checksums = new java.util.TreeMap<>(metadata.checksums());
        checksums.put(TextClassifier.NETWORK_FILE, VersionFiles.sha256(zip));
        Files.write(metadataFile, json.writeValueAsBytes(metadata.withId(id, checksums)));
    }

    private static void backdate(Path path, Duration age) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
    }

    @Test
    void theActiveFileKeepsTheBareIdThatScriptsReadAndCountsGenerations() throws Exception {
        ModelMetadata a = store().save(classifier, metadata("a"));
        ModelMetadata b = store().save(classifier, metadata("b"));
        // a file written by an older release
        Files.writeString(dir.resolve("active"), a.id() + "\n");
        ActiveVersionPointer pointer = pointer();
        assertThat(pointer.current()).contains(new ActiveVersionPointer.Pointer(a.id(), 1));
        List<String> notified = new ArrayList<>();
        pointer.onChange(() -> notified.add(pointer.current().orElseThrow().modelId()));
        assertThat(pointer.set(b.id())).isEqualTo(new ActiveVersionPointer.Pointer(b.id(), 2));
        assertThat(Files.readString(dir.resolve("active")).trim()).isEqualTo(b.id());
        assertThat(pointer.compareAndSet(1, a.id())).as("a stale generation loses").isEmpty();
        assertThat(pointer.compareAndSet(2, a.id())).contains(new ActiveVersionPointer.Pointer(a.id(), 3));
        assertThat(notified).containsExactly(b.id(), a.id());
        // another process changed the file: seen as a new generation
        Files.writeString(dir.resolve("active"), b.id() + "\n");
        assertThat(pointer.current()).contains(new ActiveVersionPointer.Pointer(b.id(), 4));
        assertThat(entries()).containsExactlyInAnyOrder("active", a.id(), b.id());
    }

    @Test
    void aVersionTheLibraryCannotReadIsRefusedWithoutNamingTheStoresPaths() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata saved = store.save(classifier, metadata("unreadable"));
        // a zip without the network's entries, with its checksum recorded: only reading it can tell
        Path zip = dir.resolve(saved.id()).resolve(TextClassifier.NETWORK_FILE);
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.closeEntry();
        }
        Path metadataFile = dir.resolve(saved.id()).resolve("metadata.json");
        ModelMetadata metadata = json.readValue(metadataFile.toFile(), ModelMetadata.class);
        Map<String, String> checksums = new java.util.TreeMap<>(metadata.checksums());
        checksums.put(TextClassifier.NETWORK_FILE, VersionFiles.sha256(zip));
        Files.write(metadataFile, json.writeValueAsBytes(metadata.withId(saved.id(), checksums)));

        assertThatThrownBy(() -> store().load(saved.id())).isInstanceOf(ModelUnusableException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("a client is shown this, and the model list keeps it")
                        .contains("cannot be read as a model").doesNotContain(dir.toString()));
    }

    @Test
    void aCorruptVersionIsListedUnusableAndAnotherServes() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata good = store.save(classifier, metadata("good"));
        ModelMetadata bad = store.save(classifier, metadata("bad"));
        ModelMetadata noMetadata = store.save(classifier, metadata("no metadata"));
        ModelMetadata truncated = store.save(classifier, metadata("truncated"));
        ModelMetadata noVocabulary = store.save(classifier, metadata("no vocabulary"));
        pointer().set(bad.id());
        Path truncatedNetwork = dir.resolve(truncated.id()).resolve("model.zip");
        Files.write(truncatedNetwork, java.util.Arrays.copyOf(Files.readAllBytes(truncatedNetwork), 100));
        Files.delete(dir.resolve(noVocabulary.id()).resolve("vocabulary.txt"));
        // flip bytes in the middle of the network file: silent corruption only a checksum catches
        Path network = dir.resolve(bad.id()).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(network);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(network, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(dir.resolve(noMetadata.id()).resolve("metadata.json"), "{not json");

        FileSystemModelRepository restarted = store();
        ModelService service = service(restarted);
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(good.id()));
        assertThat(service.desiredVersion()).hasValueSatisfying(p -> assertThat(p.modelId()).isEqualTo(bad.id()));
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
        // the pointer still names the version that was activated: serving another one is this replica's stopgap
        assertThat(Files.readString(dir.resolve("active")).trim()).isEqualTo(bad.id());
    }

    @Test
    void withNoVersionActiveTheNewestServesAndBecomesActive() throws Exception {
        FileSystemModelRepository store = store();
        store.save(classifier, metadata("20260101-000000-ffff", "older"));
        ModelMetadata newest = store.save(classifier, metadata("20260101-000001-0000", "newest"));
        ModelService service = service(store());
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(newest.id()));
        assertThat(Files.readString(dir.resolve("active")).trim()).isEqualTo(newest.id());
    }

    @Test
    void aVersionStoredWhileNoneIsActiveIsNotActivatedByThePoll() throws Exception {
        ModelService service = service(store());
        ModelMetadata stored = store().save(classifier, metadata("stored only"));
        // seven polls of 200 ms: before, the first of them loaded the version, warmed it up and made it active
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> service.active().isEmpty() && !Files.exists(dir.resolve("active")));
        assertThat(service.activate(stored.id()).id()).isEqualTo(stored.id());
        assertThat(Files.readString(dir.resolve("active")).trim()).isEqualTo(stored.id());
    }

    @Test
    void theActiveVersionCannotBeDeletedAndADeletedOneIsGone() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata first = store.save(classifier, metadata("first"));
        ModelMetadata second = store.save(classifier, metadata("second"));
        pointer().set(first.id());
        ModelService service = service(store());
        assertThatThrownBy(() -> service.delete(first.id())).isInstanceOf(ModelConflictException.class);
        assertThat(service.resolve(second.id()).id()).isEqualTo(second.id());
        service.delete(second.id());
        assertThatThrownBy(() -> service.resolve(second.id())).isInstanceOf(ModelNotFoundException.class);
        assertThat(entries()).containsExactlyInAnyOrder("active", first.id());
    }

    @Test
    void concurrentActivateDeleteAndClassifyNeverSeeAHalfSwappedOrDeletedModel() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        ModelMetadata doomed = store.save(classifier, metadata("doomed"));
        pointer().set(a.id());
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
        assertThat(pointer().current().orElseThrow().modelId()).isEqualTo(service.active().orElseThrow().id());
    }

    @Test
    void aDeletionRacingAnActivationOfThatVersionByAnotherReplicaIsRefusedAndTheVersionStays() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        pointer().set(a.id());
        ModelService other = service(store(), pointer());
        ActiveVersionPointer shared = pointer();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread deleter = Thread.currentThread();
        // this replica's pointer: right after its check that b is not active, the other replica activates b
        ActiveVersionPointer racing = new ActiveVersionPointer() {
            @Override
            public java.util.Optional<Pointer> current() {
                java.util.Optional<Pointer> read = shared.current();
                if (Thread.currentThread() == deleter && armed.getAndSet(false)) {
                    other.activate(b.id());
                }
                return read;
            }

            @Override
            public Pointer set(String modelId) {
                return shared.set(modelId);
            }

            @Override
            public java.util.Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
                return shared.compareAndSet(expectedGeneration, modelId);
            }

            public boolean beginDeletion(long expectedGeneration, String modelId) {
                return shared.beginDeletion(expectedGeneration, modelId);
            }

            public void endDeletion(String modelId) {
                shared.endDeletion(modelId);
            }

            @Override
            public void onChange(Runnable listener) {
                shared.onChange(listener);
            }
        };
        ModelService service = service(store(), racing);
        armed.set(true);
        assertThatThrownBy(() -> service.delete(b.id())).isInstanceOf(ModelConflictException.class);
        assertThat(armed).isFalse();
        assertThat(pointer().current().orElseThrow().modelId()).isEqualTo(b.id());
        assertThat(store().find(b.id())).hasValueSatisfying(v -> assertThat(v.usable()).isTrue());
        assertThat(other.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(b.id()));
    }

    @Test
    void anActivationByAnotherReplicaWhileTheVersionIsBeingDeletedIsRefused() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        pointer().set(a.id());
        ModelService other = service(store(), pointer());
        FileSystemModelRepository real = store();
        java.util.concurrent.atomic.AtomicReference<Object> activation = new java.util.concurrent.atomic.AtomicReference<>();
        // this replica's store: the other replica activates b after the deletion's check, before its files go
        ModelRepository deleting = mock(ModelRepository.class, org.mockito.AdditionalAnswers.delegatesTo(real));
        doAnswer(invocation -> {
            try {
                activation.set(other.activate(b.id()));
            } catch (RuntimeException e) {
                activation.set(e);
            }
            real.delete(b.id());
            return null;
        }).when(deleting).delete(b.id());
        ModelService service = service(deleting, pointer());
        service.delete(b.id());
        assertThat(activation.get()).isInstanceOf(ModelConflictException.class);
        assertThat(pointer().current().orElseThrow().modelId()).isEqualTo(a.id());
        assertThat(store().find(b.id())).isEmpty();
        assertThat(other.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(a.id()));
    }

    @Test
    void anActivationWhosePointerCannotBeWrittenIs503AndChangesNothing() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        pointer().set(a.id());
        ModelService service = service(store());
        try (AutoCloseable disk = FailingDisk.failFsyncOf(p -> p.getFileName().toString().startsWith(".tmp-active"))) {
            assertThatThrownBy(() -> service.activate(b.id())).isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.status().value()).isEqualTo(503);
                assertThat(e.type()).isEqualTo(ProblemTypes.uri("model-storage-unavailable"));
                assertThat(e.getMessage()).contains("active version").doesNotContain(dir.toString())
                        .doesNotContain("Input/output error");
            });
        }
        assertThat(Files.readString(dir.resolve("active")).trim()).isEqualTo(a.id());
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(a.id()));
        assertThat(service.activate(b.id()).id()).isEqualTo(b.id());
    }

    @Test
    void aDeletionWhosePointerCannotBeReadIs503AndDeletesNothing() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        pointer().set(a.id());
        ModelService service = service(store());
        // the pointer file turned into something unreadable (here: a folder)
        Files.delete(dir.resolve("active"));
        Files.createDirectories(dir.resolve("active").resolve("x"));
        assertThatThrownBy(() -> service.delete(b.id())).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.getMessage()).doesNotContain(dir.toString());
        });
        assertThat(store().find(b.id())).isPresent();
    }

    @Test
    void anActivationThatLosesARaceIsRefused() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        ActiveVersionPointer shared = pointer();
        shared.set(a.id());
        // a pointer that lets another activation in between this replica's read and its write
        ActiveVersionPointer racing = new ActiveVersionPointer() {
            @Override
            public java.util.Optional<Pointer> current() {
                return shared.current();
            }

            @Override
            public Pointer set(String modelId) {
                return shared.set(modelId);
            }

            @Override
            public java.util.Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
                shared.set(a.id());
                return shared.compareAndSet(expectedGeneration, modelId);
            }

            @Override
            public void onChange(Runnable listener) {
                shared.onChange(listener);
            }
        };
        ModelService service = service(store, racing);
        assertThatThrownBy(() -> service.activate(b.id())).isInstanceOf(ModelConflictException.class)
                .hasMessageContaining("Another activation");
        assertThat(shared.current().orElseThrow().modelId()).isEqualTo(a.id());
        assertThat(service.active()).hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(a.id()));
    }

    @Test
    void aPointerWhoseGenerationWentBackIsFollowed() throws Exception {
        FileSystemModelRepository store = store();
        ModelMetadata a = store.save(classifier, metadata("a"));
        ModelMetadata b = store.save(classifier, metadata("b"));
        java.util.concurrent.atomic.AtomicReference<ActiveVersionPointer.Pointer> stored =
                new java.util.concurrent.atomic.AtomicReference<>(new ActiveVersionPointer.Pointer(a.id(), 7));
        // a pointer restored from an older backup: the generation is lower than the one served
        ActiveVersionPointer restored = new ActiveVersionPointer() {
            @Override
            public java.util.Optional<Pointer> current() {
                return java.util.Optional.of(stored.get());
            }

            @Override
            public Pointer set(String modelId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void onChange(Runnable listener) {
            }
        };
        ModelService service = service(store, restored);
        assertThat(service.loadedVersion()).contains(new ActiveVersionPointer.Pointer(a.id(), 7));
        stored.set(new ActiveVersionPointer.Pointer(b.id(), 2));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(service.loadedVersion()).contains(new ActiveVersionPointer.Pointer(b.id(), 2)));
    }

    @Test
    void pathLikeIdsNeverReachTheFileSystem() throws Exception {
        Files.writeString(dir.getParent().resolve("outside.txt"), "secret");
        FileSystemModelRepository store = store();
        for (String id : List.of("../outside.txt", "..", "/etc/passwd", "%2e%2e", "a/../../b", "")) {
            assertThat(store.find(id)).isEmpty();
        }
        ModelService service = service(store);
        assertThatThrownBy(() -> service.resolve("../outside.txt")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> service.delete("..")).isInstanceOf(ModelNotFoundException.class);
    }
}
