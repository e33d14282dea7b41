package com.example.sentiment.classificationjob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Port: where a job's uploaded file, its results and its checkpoint are kept (this process's disk, or the object
 * store shared by every replica). The results only ever grow by committed chunks: {@link ResultOutput#commit}
 * makes the bytes written so far durable and records, no sooner, how many input rows they answer and how long
 * the results are (on disk: a checkpoint file replaced after the flush; in the object store: one object per
 * chunk, whose key names its rows); a job that starts again opens the results cut back to the checkpoint, so
 * bytes written after the last commit (a crash's half chunk) are gone and each row is answered exactly once.
 */
interface ClassificationJobFiles {

    /** How far the results are durable: the first {@code rows} input rows, in the first {@code bytes} bytes. */
    record Checkpoint(long rows, long bytes) {
        static final Checkpoint START = new Checkpoint(0, 0);
    }

    /** Stores the uploaded file of a job, read from {@code in} to its end. */
    void storeInput(String id, InputStream in) throws IOException;

    InputStream openInput(String id) throws IOException;

    /** The last commit of the job's results, or {@link Checkpoint#START} when none was made. */
    Checkpoint checkpoint(String id) throws IOException;

    /** The results, cut back to {@code from} (the last checkpoint), open for appending further chunks. */
    ResultOutput openOutput(String id, Checkpoint from) throws IOException;

    /** The results as committed so far. */
    InputStream openResults(String id) throws IOException;

    /** Deletes everything of the job; nothing happens when there is nothing. */
    void deleteFiles(String id) throws IOException;

    /** Results being written: bytes go to {@link #stream()}, and count only once committed. */
    interface ResultOutput extends Closeable {

        OutputStream stream();

        /**
         * Makes everything written so far durable, then records that it answers the first {@code rows} input rows.
         *
         * @return the checkpoint now on disk
         */
        Checkpoint commit(long rows) throws IOException;
    }
}
