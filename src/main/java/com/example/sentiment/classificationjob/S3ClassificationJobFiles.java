package com.example.sentiment.classificationjob;

import com.example.sentiment.system.S3Clients;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The files of the scale-out mode in an S3-compatible object store, so that any replica runs any job and hands
 * out any job's results: {@code <prefix><id>/input} (the upload) and one object per committed chunk of results,
 * {@code <prefix><id>/results/<first>-<end>} (twelve digits each), holding the answers of input rows
 * {@code first} (from 0) to {@code end} (exclusive), the first one beginning with the header.
 *
 * <p>A part is its own checkpoint: an object appears whole or not at all, and its key says which rows it answers,
 * so a commit is one write and there is no separate checkpoint to get out of step with it. The checkpoint is
 * the longest run of parts that follow each other from row 0; the results are that run, in order. A runner that
 * lost its lease and still writes a part can only add one that answers its rows as well as any (the same rows
 * with the same version), which the run takes or leaves: no row is ever missing from it, or in it twice.
 * Opening the results for writing from a checkpoint deletes the parts that start at or beyond it (what a runner
 * wrote past the run), as the file system cuts its file back.
 *
 * <p>The input is spooled through a local file both ways, so that an upload of unknown length is one object
 * and a job reads its input from this disk however long it runs. Every failure of the store is an
 * {@link IOException}.
 */
final class S3ClassificationJobFiles implements ClassificationJobFiles, AutoCloseable {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern PART = Pattern.compile("([0-9]{12})-([0-9]{12})");

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path spool;

    /** A committed part as listed. */
    private record Part(String key, long first, long end, long size) {
    }

    /**
     * @param prefix key prefix of every job's objects, such as {@code classification-jobs/}
     * @param spool a local folder for uploads and inputs on their way
     */
    S3ClassificationJobFiles(S3Client s3, String bucket, String prefix, Path spool) {
        this.s3 = s3;
        this.bucket = bucket;
        String p = prefix == null ? "" : prefix.strip();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.spool = spool;
    }

    /** Creates the bucket when it does not exist (another replica may create it at the same time). */
    void ensureBucket() throws IOException {
        try {
            S3Clients.createBucketIfMissing(s3, bucket);
        } catch (SdkException e) {
            throw failed("cannot reach or create bucket " + bucket, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private String jobPrefix(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id: " + id);
        }
        return prefix + id + "/";
    }

    private static IOException failed(String what, SdkException e) {
        return new IOException(what + ": " + e.getMessage(), e);
    }

    private Path spooled() throws IOException {
        Files.createDirectories(spool);
        return Files.createTempFile(spool, "cj-", ".tmp");
    }

    @Override
    public void storeInput(String id, InputStream in) throws IOException {
        String key = jobPrefix(id) + "input";
        Path file = spooled();
        try {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/octet-stream"),
                    RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failed("cannot write " + key, e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public InputStream openInput(String id) throws IOException {
        String key = jobPrefix(id) + "input";
        Path file = spooled();
        try {
            Files.delete(file); // the SDK writes a file that does not exist yet
            s3.getObject(r -> r.bucket(bucket).key(key), file);
            InputStream in = Files.newInputStream(file);
            return new FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            };
        } catch (S3Exception e) {
            Files.deleteIfExists(file);
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw failed("cannot read " + key, e);
        } catch (SdkException | IOException e) {
            Files.deleteIfExists(file);
            throw e instanceof SdkException sdk ? failed("cannot read " + key, sdk) : (IOException) e;
        }
    }

    /** Every object under a key prefix. */
    private List<S3Object> list(String keyPrefix) throws IOException {
        try {
            List<S3Object> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(keyPrefix)).contents().forEach(objects::add);
            return objects;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return List.of();
            }
            throw failed("cannot list " + keyPrefix, e);
        } catch (SdkException e) {
            throw failed("cannot list " + keyPrefix, e);
        }
    }

    private List<Part> parts(String id) throws IOException {
        String results = jobPrefix(id) + "results/";
        List<Part> parts = new ArrayList<>();
        for (S3Object object : list(results)) {
            Matcher m = PART.matcher(object.key().substring(results.length()));
            if (m.matches()) {
                long first = Long.parseLong(m.group(1));
                long end = Long.parseLong(m.group(2));
                if (end > first) {
                    parts.add(new Part(object.key(), first, end, object.size()));
                }
            }
        }
        return parts;
    }

    /** The longest run of parts that follow each other from row 0, in order. */
    private static List<Part> run(List<Part> parts) {
        List<Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(Part::first).thenComparingLong(Part::end));
        // the part that first reached each row; a part ending at a row starts before it, so is seen first
        Map<Long, Part> reachedBy = new HashMap<>();
        reachedBy.put(0L, null);
        long furthest = 0;
        for (Part part : sorted) {
            if (reachedBy.containsKey(part.first()) && !reachedBy.containsKey(part.end())) {
                reachedBy.put(part.end(), part);
                furthest = Math.max(furthest, part.end());
            }
        }
        Deque<Part> run = new ArrayDeque<>();
        for (Part p = reachedBy.get(furthest); p != null; p = reachedBy.get(p.first())) {
            run.addFirst(p);
        }
        return List.copyOf(run);
    }

    @Override
    public Checkpoint checkpoint(String id) throws IOException {
        List<Part> run = run(parts(id));
        if (run.isEmpty()) {
            return Checkpoint.START;
        }
        return new Checkpoint(run.get(run.size() - 1).end(), run.stream().mapToLong(Part::size).sum());
    }

    @Override
    public ResultOutput openOutput(String id, Checkpoint from) throws IOException {
        for (Part part : parts(id)) {
            if (part.first() >= from.rows()) {
                delete(part.key());
            }
        }
        return new PartOutput(jobPrefix(id) + "results/", from);
    }

    private void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failed("cannot delete " + key, e);
        }
    }

    /** Results written into memory, one chunk at a time, and committed as one object each. */
    private final class PartOutput implements ResultOutput {
        private final String results;
        private final ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 16);
        private long rows;
        private long bytes;

        PartOutput(String results, Checkpoint from) {
            this.results = results;
            this.rows = from.rows();
            this.bytes = from.bytes();
        }

        @Override
        public OutputStream stream() {
            return chunk;
        }

        @Override
        public Checkpoint commit(long rows) throws IOException {
            if (rows <= this.rows) {
                throw new IllegalArgumentException("a commit must answer more rows than " + this.rows + ", got " + rows);
            }
            String key = results + String.format("%012d-%012d", this.rows, rows);
            byte[] body = chunk.toByteArray();
            try {
                s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/octet-stream"),
                        RequestBody.fromBytes(body));
            } catch (SdkException e) {
                throw failed("cannot write " + key, e);
            }
            chunk.reset();
            this.rows = rows;
            this.bytes += body.length;
            return new Checkpoint(rows, bytes);
        }

        @Override
        public void close() {
            chunk.reset(); // what was not committed is dropped, as a crash would drop it
        }
    }

    @Override
    public InputStream openResults(String id) throws IOException {
        List<Part> run = run(parts(id));
        Enumeration<InputStream> streams = new Enumeration<>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next < run.size();
            }

            @Override
            public InputStream nextElement() {
                if (next >= run.size()) {
                    throw new NoSuchElementException();
                }
                String key = run.get(next++).key();
                try {
                    return s3.getObject(r -> r.bucket(bucket).key(key));
                } catch (SdkException e) {
                    throw new UncheckedIOException(failed("cannot read " + key, e));
                }
            }
        };
        // each part is opened when the one before it has been read to its end
        return new java.io.SequenceInputStream(run.isEmpty() ? Collections.emptyEnumeration() : streams);
    }

    @Override
    public void deleteFiles(String id) throws IOException {
        for (S3Object object : list(jobPrefix(id))) {
            delete(object.key());
        }
    }
}
