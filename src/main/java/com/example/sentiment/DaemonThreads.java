package com.example.sentiment;

import java.util.concurrent.ThreadFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Thread factories for the service's background executors. Their threads are daemons, so that a background task
 * never keeps the process alive after Spring has closed, and are named, so that a thread dump says whose they are.
 * ({@code ml} makes its two threads itself: this package's settings use {@code ml}'s types, so {@code ml} may not use
 * this package without a cycle, which {@code ModuleBoundariesTest} refuses.)
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Threads that all carry {@code name}: for an executor of one thread. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Threads named {@code prefix} and a number counted from 1: for a pool. */
    public static ThreadFactory numbered(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        threads.setDaemon(true);
        return threads;
    }
}
