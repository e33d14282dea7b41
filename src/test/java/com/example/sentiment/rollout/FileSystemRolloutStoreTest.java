package com.example.sentiment.rollout;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default's rollout store ({@code rollout.json}) against the contract. */
class FileSystemRolloutStoreTest extends RolloutStoreContract {

    @TempDir
    Path models;

    @Override
    protected RolloutStore store() {
        return new FileSystemRolloutStore(models);
    }

    @Override
    protected RolloutStore another() {
        return new FileSystemRolloutStore(models);
    }
}
