package com.example.sentiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The models shipped in {@code models/}, copied for tests that must not touch the checkout's own folder. */
public final class BundledModel {

    /**
     * The first bundled default (2026-11-29), still shipped: its files predate {@code labels.json}, calibration,
     * drift references and {@code longText}, so the tests of reading old versions use it, whichever is active.
     */
    public static final String FIRST_DEFAULT = "20261129-130908-d56a";

    private static final Path BUNDLED = Path.of("models");

    private BundledModel() {
    }

    /** The id {@code models/active} names: the version a fresh data directory starts with. */
    public static String activeId() throws IOException {
        return Files.readString(BUNDLED.resolve("active")).trim();
    }

    /** Copies the bundled active version and the {@code active} pointer into {@code models}; returns its id. */
    public static String copyTo(Path models) throws IOException {
        return copyTo(models, activeId());
    }

    /** Copies the bundled version {@code id} into {@code models}, with an {@code active} pointer naming it. */
    public static String copyTo(Path models, String id) throws IOException {
        Files.createDirectories(models.resolve(id));
        try (Stream<Path> files = Files.list(BUNDLED.resolve(id))) {
            for (Path f : files.toList()) {
                Files.copy(f, models.resolve(id).resolve(f.getFileName()));
            }
        }
        Files.writeString(models.resolve("active"), id + "\n");
        return id;
    }
}
