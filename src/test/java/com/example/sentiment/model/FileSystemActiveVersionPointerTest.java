package com.example.sentiment.model;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default's pointer, the {@code active} file of the models directory, against the contract. */
class FileSystemActiveVersionPointerTest extends ActiveVersionPointerContract {

    @TempDir
    Path models;

    @Override
    protected ActiveVersionPointer pointer() {
        return new FileSystemActiveVersionPointer(models);
    }

    @Override
    protected ActiveVersionPointer another() {
        return new FileSystemActiveVersionPointer(models);
    }
}
