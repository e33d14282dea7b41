package com.example.sentiment.classificationjob;

import java.util.List;
import java.util.Optional;

/**
 * Port: where classification-job records are kept (a folder per job on this disk, or a table in PostgreSQL).
 * Records only; the job's files are {@link ClassificationJobFiles}'.
 */
interface ClassificationJobRecords {

    /** Stores the record, replacing the one with its id; durable when it returns. */
    void save(ClassificationJob job);

    Optional<ClassificationJob> find(String id);

    /** Every record, newest first. */
    List<ClassificationJob> all();

    /** Removes the record; nothing happens when there is none. */
    void delete(String id);
}
