package com.example.sentiment.rollout;

import com.example.sentiment.system.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollout state of the embedded default: {@code <models-dir>/rollout.json}, a line with the generation and
 * a line with the state's JSON, replaced whole by an atomic rename ({@link DurableFiles#write}). The
 * compare-and-set is atomic within this JVM (every handle on one file shares a lock); replicas that must race on
 * decisions share the {@code postgres} store instead, as they share the {@code postgres} pointer.
 */
class FileSystemRolloutStore implements RolloutStore {

    static final String FILE = "rollout.json";
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    FileSystemRolloutStore(Path modelsDir) {
        this.file = modelsDir.toAbsolutePath().normalize().resolve(FILE);
        this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
    }

    @Override
    public Versioned current() {
        synchronized (lock) {
            return read();
        }
    }

    private Versioned read() {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Versioned(RolloutState.EMPTY, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rollout state " + file, e);
        }
        int newline = content.indexOf('\n');
        if (newline < 0) {
            throw new IllegalStateException("the rollout state " + file + " has no generation line");
        }
        return new Versioned(RolloutJson.read(content.substring(newline + 1)),
                Long.parseLong(content.substring(0, newline).trim()));
    }

    @Override
    public Optional<Versioned> compareAndSet(long expectedGeneration, RolloutState next) {
        synchronized (lock) {
            if (read().generation() != expectedGeneration) {
                return Optional.empty();
            }
            Versioned written = new Versioned(next, expectedGeneration + 1);
            try {
                Files.createDirectories(file.getParent());
                DurableFiles.write(file, (written.generation() + "\n" + RolloutJson.write(next) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record the rollout state in " + file + ": " + e.getMessage(), e);
            }
            return Optional.of(written);
        }
    }
}
