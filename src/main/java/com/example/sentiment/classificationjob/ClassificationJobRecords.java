package com.example.sentiment.classificationjob;

import java.util.List;
import java.util.Optional;

/**
 * Port: where classification-job records are kept (a folder per job on this disk, or a table in PostgreSQL
 * shared by every replica), and who runs which job. Records only; the job's files are
 * {@link ClassificationJobFiles}'.
 *
 * <p>A runner {@link #claim claims} a job before it runs it and holds it by a lease, which it {@link #renew
 * renews} while it works; its writes ({@link #update}) take effect only while it still holds the job. A job whose
 * lease ran out (its runner died, or stopped renewing) is claimed by the next runner that asks, which resumes it
 * from its last committed row; the one that lost it can no longer change it.
 */
interface ClassificationJobRecords {

    /**
     * A claim of a job by one runner.
     *
     * @param token grows with every claim of any job: a write naming an older claim of this job changes nothing
     */
    record Lease(String jobId, String worker, long token) {
    }

    /** Stores the record, replacing the one with its id; durable when it returns. */
    void save(ClassificationJob job);

    Optional<ClassificationJob> find(String id);

    /** Every record, newest first. */
    List<ClassificationJob> all();

    /** Removes the record; nothing happens when there is none. */
    void delete(String id);

    /** Jobs that have not ended (QUEUED or RUNNING), whoever runs them. */
    long unfinished();

    /**
     * Claims the oldest job that has not ended and that nobody holds (never claimed, handed back, or its
     * lease ran out) for {@code worker}; never waits.
     */
    Optional<Lease> claim(String worker);

    /** Extends the lease by its full length; false when the job is no longer this lease's (claimed again, or ended). */
    boolean renew(Lease lease);

    /** Stores the record only while the lease holds the job and the job has not ended; false when nothing was written. */
    boolean update(Lease lease, ClassificationJob job);

    /** Hands the job back (this runner stops): the next claim may take it at once. */
    void release(Lease lease);

    /**
     * Stores an ended record (a cancel) only while the stored one has not ended; the runner holding the job then
     * loses it at its next renewal or write.
     *
     * @return false when the job had ended (or is gone) already: nothing was written
     */
    boolean endUnfinished(ClassificationJob ended);
}
