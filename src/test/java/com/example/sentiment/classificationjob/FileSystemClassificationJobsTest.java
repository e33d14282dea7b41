package com.example.sentiment.classificationjob;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The contract on this process's disk. */
class FileSystemClassificationJobsTest extends ClassificationJobStoreContract {

    @TempDir
    Path dir;

    private FileSystemClassificationJobs store;

    private FileSystemClassificationJobs store() {
        if (store == null) {
            store = new FileSystemClassificationJobs(dir, JsonMapper.builder().build(), LEASE, Clock.systemUTC());
        }
        return store;
    }

    @Override
    protected ClassificationJobRecords records() {
        return store();
    }

    @Override
    protected ClassificationJobFiles files() {
        return store();
    }
}
