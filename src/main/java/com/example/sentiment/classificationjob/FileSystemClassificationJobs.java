package com.example.sentiment.classificationjob;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.DurableFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both ports on this process's disk, one folder per job under {@code sentiment.classification-jobs.directory}:
 * {@code job.json} (the record, replaced atomically), {@code input} (the upload), {@code results} (appended and
 * flushed chunk by chunk) and {@code checkpoint.json} (replaced atomically after each flush).
 *
 * <p>Leases are held in this process's memory: the embedded mode has one runner, and a restart (which forgets
 * them) leaves every unfinished job free to be claimed again, which is what resumes it.
 */
final class FileSystemClassificationJobs implements ClassificationJobRecords, ClassificationJobFiles {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final String RECORD = "job.json";
    private static final String INPUT = "input";
    private static final String RESULTS = "results";
    private static final String CHECKPOINT = "checkpoint.json";

    private final Path root;
    private final JsonMapper json;
    private final Duration lease;
    private final Clock clock;
    // the leases, and the ids of the jobs that have not ended (read from the folder at the first claim)
    private final Map<String, Held> held = new HashMap<>();
    private Set<String> unfinished;
    private long tokens;

    private record Held(String worker, long token, Instant until) {
    }

    FileSystemClassificationJobs(Path root, JsonMapper json) {
        this(root, json, Duration.ofSeconds(30), Clock.systemUTC());
    }

    /** @param lease how long a claim holds a job without being renewed */
    FileSystemClassificationJobs(Path root, JsonMapper json, Duration lease, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.json = json;
        this.lease = lease;
        this.clock = clock;
    }

    static FileSystemClassificationJobs of(SentimentProperties properties, JsonMapper json) {
        return new FileSystemClassificationJobs(properties.classificationJobsDir(), json, properties.queue().lease(),
                Clock.systemUTC());
    }

    /** The job's folder; an id that could leave the root is nobody's. */
    private Path dir(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id: " + id);
        }
        return root.resolve(id);
    }

    @Override
    public synchronized void save(ClassificationJob job) {
        try {
            Path dir = dir(job.id());
            Files.createDirectories(dir);
            DurableFiles.write(dir.resolve(RECORD), json.writeValueAsBytes(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (unfinished != null) {
            if (job.state().finished()) {
                unfinished.remove(job.id());
            } else {
                unfinished.add(job.id());
            }
        }
    }

    private Set<String> unfinishedIds() {
        if (unfinished == null) {
            unfinished = new HashSet<>();
            all().stream().filter(j -> !j.state().finished()).forEach(j -> unfinished.add(j.id()));
        }
        return unfinished;
    }

    @Override
    public synchronized long unfinished() {
        return unfinishedIds().size();
    }

    @Override
    public synchronized Optional<Lease> claim(String worker) {
        Instant now = clock.instant();
        List<ClassificationJob> free = new ArrayList<>();
        for (String id : unfinishedIds()) {
            Held h = held.get(id);
            if (h == null || h.until().isBefore(now)) {
                find(id).filter(j -> !j.state().finished()).ifPresent(free::add);
            }
        }
        return free.stream().min(Comparator.comparing(ClassificationJob::createdAt).thenComparing(ClassificationJob::id))
                .map(job -> {
                    long token = ++tokens;
                    held.put(job.id(), new Held(worker, token, now.plus(lease)));
                    return new Lease(job.id(), worker, token);
                });
    }

    /** Whether the lease is the job's current claim and the job has not ended. */
    private boolean holds(Lease lease) {
        Held h = held.get(lease.jobId());
        return h != null && h.token() == lease.token() && unfinishedIds().contains(lease.jobId());
    }

    @Override
    public synchronized boolean renew(Lease lease) {
        if (!holds(lease)) {
            return false;
        }
        held.put(lease.jobId(), new Held(lease.worker(), lease.token(), clock.instant().plus(this.lease)));
        return true;
    }

    @Override
    public synchronized boolean update(Lease lease, ClassificationJob job) {
        if (!holds(lease) || !lease.jobId().equals(job.id())) {
            return false;
        }
        save(job);
        return true;
    }

    @Override
    public synchronized void release(Lease lease) {
        Held h = held.get(lease.jobId());
        if (h != null && h.token() == lease.token()) {
            held.remove(lease.jobId());
        }
    }

    @Override
    public synchronized boolean endUnfinished(ClassificationJob ended) {
        if (find(ended.id()).map(j -> j.state().finished()).orElse(true)) {
            return false;
        }
        save(ended);
        held.remove(ended.id());
        return true;
    }

    @Override
    public Optional<ClassificationJob> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(root.resolve(id).resolve(RECORD));
    }

    private Optional<ClassificationJob> read(Path file) {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), ClassificationJob.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JacksonException e) {
            return Optional.empty(); // not a record this version can read: left alone, not listed
        }
    }

    @Override
    public List<ClassificationJob> all() {
        List<ClassificationJob> jobs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return jobs;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                read(dir.resolve(RECORD)).ifPresent(jobs::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jobs.sort(Comparator.comparing(ClassificationJob::createdAt).thenComparing(ClassificationJob::id).reversed());
        return jobs;
    }

    @Override
    public synchronized void delete(String id) {
        try {
            Files.deleteIfExists(dir(id).resolve(RECORD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (unfinished != null) {
            unfinished.remove(id);
        }
        held.remove(id);
    }

    @Override
    public void storeInput(String id, InputStream in) throws IOException {
        Path dir = dir(id);
        Files.createDirectories(dir);
        Path input = dir.resolve(INPUT);
        Files.copy(in, input, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.fsync(input);
        DurableFiles.fsync(dir);
    }

    @Override
    public InputStream openInput(String id) throws IOException {
        return Files.newInputStream(dir(id).resolve(INPUT));
    }

    @Override
    public Checkpoint checkpoint(String id) throws IOException {
        try {
            return json.readValue(Files.readAllBytes(dir(id).resolve(CHECKPOINT)), Checkpoint.class);
        } catch (NoSuchFileException e) {
            return Checkpoint.START;
        }
    }

    @Override
    public ResultOutput openOutput(String id, Checkpoint from) throws IOException {
        Path dir = dir(id);
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(RESULTS), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.size() < from.bytes()) {
                throw new IOException("the results of job " + id + " are shorter (" + channel.size()
                        + " bytes) than their checkpoint (" + from.bytes() + ")");
            }
            // what was written after the last commit answers rows that will be classified again
            channel.truncate(from.bytes());
            channel.position(from.bytes());
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new FileOutput(dir, channel, from);
    }

    private final class FileOutput implements ResultOutput {
        private final Path dir;
        private final FileChannel channel;
        private final OutputStream stream;
        private long bytes;

        FileOutput(Path dir, FileChannel channel, Checkpoint from) {
            this.dir = dir;
            this.channel = channel;
            this.bytes = from.bytes();
            OutputStream counting = new OutputStream() {
                private final OutputStream out = Channels.newOutputStream(channel);

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytes++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytes += len;
                }
            };
            this.stream = new BufferedOutputStream(counting, 1 << 16);
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public Checkpoint commit(long rows) throws IOException {
            stream.flush();
            channel.force(false);
            Checkpoint checkpoint = new Checkpoint(rows, bytes);
            DurableFiles.write(dir.resolve(CHECKPOINT), json.writeValueAsBytes(checkpoint));
            return checkpoint;
        }

        @Override
        public void close() throws IOException {
            channel.close(); // unflushed bytes are not committed: dropping them is what a crash would do
        }
    }

    @Override
    public InputStream openResults(String id) throws IOException {
        Checkpoint committed = checkpoint(id);
        InputStream in = Files.newInputStream(dir(id).resolve(RESULTS));
        return new java.io.FilterInputStream(in) {
            private long left = committed.bytes();

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    @Override
    public void deleteFiles(String id) throws IOException {
        Path dir = dir(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.walk(dir)) {
            for (Path p : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
