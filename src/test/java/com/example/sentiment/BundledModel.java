package com.example.sentiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The model shipped in {@code models/}, copied for tests that must not touch the checkout's own folder. */
public final class BundledModel {

    private static final Path BUNDLED = Path.of("models");

    private BundledModel() {
    }

    /** Copies the bundled active version and the {@code active} pointer into {@code models}; returns its id. */
    public static String copyTo(Path models) throws IOException {
        String id = Files.readString(BUNDLED.resolve("active")).trim();
        Files.createDirectories(models.resolve(id));
        try (Stream<Path> files = Files.list(BUNDLED.resolve(id))) {
            for (Path f : files.toList()) {
                Files.copy(f, models.resolve(id).resolve(f.getFileName()));
            }
        }
        Files.copy(BUNDLED.resolve("active"), models.resolve("active"));
        return id;
    }
}
