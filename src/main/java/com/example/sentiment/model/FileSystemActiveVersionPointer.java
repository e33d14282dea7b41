package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active-version pointer of the embedded default: the file {@code <models-dir>/active}, replaced by an
 * atomic rename. It holds the bare version id, as it always has, because scripts and tools read it with
 * {@code cat}; a line {@code <id> <generation>} is read as well.
 *
 * <p>The generation is kept in this process: the one on file (1 for a bare id), raised by every
 * {@link #set}, and raised when a read finds another id than the last one (another process sharing the volume
 * changed it). {@link #compareAndSet} is atomic within this process only; replicas that must race on
 * activation share the {@code postgres} pointer instead. Listeners are called in this process after a change.
 *
 * <p>A version being deleted has a marker file {@code .deleting-<id>} next to the pointer, so that other
 * processes sharing the folder refuse to activate it too. Every handle on one pointer file in this JVM takes the
 * same lock, so that a deletion and an activation through two handles (two services in one process, as in
 * tests) are ordered as two calls on one handle are.
 */
class FileSystemActiveVersionPointer implements ActiveVersionPointer {

    static final String FILE = "active";
    static final String DELETING_PREFIX = ".deleting-";
    private static final Logger log = LoggerFactory.getLogger(FileSystemActiveVersionPointer.class);
    // one lock per pointer file in this JVM, whichever handle is used
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Pointer last;

    FileSystemActiveVersionPointer(SentimentProperties properties) {
        this(properties.modelsDir());
    }

    FileSystemActiveVersionPointer(Path modelsDir) {
        this.file = modelsDir.toAbsolutePath().normalize().resolve(FILE);
        this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
    }

    @Override
    public Optional<Pointer> current() {
        synchronized (lock) {
            return read();
        }
    }

    private Optional<Pointer> read() {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return Optional.ofNullable(last);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the active-version pointer " + file, e);
        }
        String[] parts = content.split("\\s+");
        if (!ModelIds.isValid(parts[0])) {
            log.warn("The active-version pointer {} names no valid version: ignored", file);
            return Optional.ofNullable(last);
        }
        long recorded = 1;
        if (parts.length > 1) {
            try {
                recorded = Math.max(1, Long.parseLong(parts[1]));
            } catch (NumberFormatException e) {
                log.warn("The active-version pointer {} has no valid generation: counting from 1", file);
            }
        }
        if (last == null) {
            last = new Pointer(parts[0], recorded);
        } else if (!last.modelId().equals(parts[0]) || recorded > last.generation()) {
            last = new Pointer(parts[0], Math.max(recorded, last.generation() + 1));
        }
        return Optional.of(last);
    }

    @Override
    public Pointer set(String modelId) {
        Pointer pointer;
        synchronized (lock) {
            pointer = write(modelId, read().map(Pointer::generation).orElse(0L) + 1);
        }
        listeners.forEach(Runnable::run);
        return pointer;
    }

    @Override
    public Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
        Pointer pointer;
        synchronized (lock) {
            if (read().map(Pointer::generation).orElse(0L) != expectedGeneration || Files.exists(marker(modelId))) {
                return Optional.empty();
            }
            pointer = write(modelId, expectedGeneration + 1);
        }
        listeners.forEach(Runnable::run);
        return Optional.of(pointer);
    }

    @Override
    public boolean beginDeletion(long expectedGeneration, String modelId) {
        if (!ModelIds.isValid(modelId)) {
            throw new IllegalArgumentException("not a model version id: " + modelId);
        }
        synchronized (lock) {
            Optional<Pointer> now = read();
            if (now.map(Pointer::generation).orElse(0L) != expectedGeneration
                    || now.map(Pointer::modelId).filter(modelId::equals).isPresent()) {
                return false;
            }
            try {
                Files.createDirectories(file.getParent());
                DurableFiles.write(marker(modelId), (modelId + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot mark version " + modelId + " as being deleted in "
                        + file.getParent() + ": " + e.getMessage(), e);
            }
            return true;
        }
    }

    @Override
    public void endDeletion(String modelId) {
        if (!ModelIds.isValid(modelId)) {
            return;
        }
        synchronized (lock) {
            try {
                Files.deleteIfExists(marker(modelId));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the deletion mark of " + modelId + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private Path marker(String modelId) {
        return file.resolveSibling(DELETING_PREFIX + modelId);
    }

    private Pointer write(String modelId, long generation) {
        if (!ModelIds.isValid(modelId)) {
            throw new IllegalArgumentException("not a model version id: " + modelId);
        }
        // a temporary name of its own: replicas sharing the folder may write at the same moment
        Path temp = file.resolveSibling(DurableFiles.TEMP_PREFIX + FILE + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(temp, modelId + "\n", StandardCharsets.UTF_8);
            DurableFiles.fsync(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.fsync(file.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next start removes it
            }
            throw new UncheckedIOException("cannot record the active version in " + file + ": " + e.getMessage(), e);
        }
        last = new Pointer(modelId, generation);
        return last;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
