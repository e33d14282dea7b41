package com.example.sentiment.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/** A disk whose fsync fails (EIO) for some paths, for tests in any package; close the handle to heal it. */
public final class FailingDisk {

    private FailingDisk() {
    }

    /** Until closed, flushing a path that {@code failing} accepts throws "Input/output error". */
    public static AutoCloseable failFsyncOf(Predicate<Path> failing) {
        return DurableFiles.flushWith((channel, path) -> {
            if (failing.test(path)) {
                throw new IOException("Input/output error");
            }
            channel.force(true);
        });
    }
}
