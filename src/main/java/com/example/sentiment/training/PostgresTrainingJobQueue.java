package com.example.sentiment.training;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.model.ActiveVersionPointer;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared job queue ({@code sentiment.queue.type=postgres}): jobs, their uploaded files, progress and history
 * in PostgreSQL (schema {@code db/migration/V1__training_jobs.sql}), claimed by every process with the
 * {@code train} role.
 *
 * <ul>
 *   <li>A claim is one statement: {@code UPDATE ... WHERE id = (SELECT id ... FOR UPDATE SKIP LOCKED LIMIT 1)},
 *       which raises the attempts and takes a new fencing token; two workers never get the same job.</li>
 *   <li>The lease runs on the database's clock, so workers' clocks need not agree, and it never ends sooner than
 *       one lease after the database started: heartbeats that failed while it restarted cost no job a retry.</li>
 *   <li>Every write of a worker matches the job's id, its fencing token and state RUNNING: a worker whose job
 *       was claimed again since updates no row, and so can never mark it, or activate its model.</li>
 *   <li>A job that succeeds with activation moves the active-version pointer; the PostgreSQL pointer (the one
 *       this mode chooses unless {@code sentiment.storage.pointer} says otherwise) moves in the same
 *       transaction, which sends {@code NOTIFY sentiment_active_model} when it commits.</li>
 * </ul>
 *
 * While the database cannot be reached, the API's calls throw {@link JobQueueUnavailableException} (503); a
 * worker's final writes are retried for up to one lease (at the pace of {@code sentiment.retry.queue-write}), and
 * a heartbeat that fails is tried again at the next.
 */
@Component
@ConditionalOnPostgres("sentiment.queue.type")
class PostgresTrainingJobQueue implements TrainingJobQueue {

    private static final Logger log = LoggerFactory.getLogger(PostgresTrainingJobQueue.class);
    static final int CHUNK_BYTES = 1 << 20;
    private static final String COLUMNS = "id, state, attempts, fencing_token, worker, started_at, finished_at, "
            + "error, model_id, config, view";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ActiveVersionPointer pointer;
    private final JsonMapper json;
    private final ObjectReader viewReader;
    private final ObjectReader configReader;
    private final Duration lease;
    private final int maxAttempts;
    private final int queueCapacity;
    private final RetryTemplate writes;
    // When a lease ends: its time, but never less than one lease after the database (re)started, so that a
    // restart that made every heartbeat fail for a while does not hand running jobs to other workers before
    // their holders could renew.
    private final String leaseEnd;

    @Autowired
    PostgresTrainingJobQueue(JdbcTemplate postgresJdbc, TransactionTemplate postgresTransactions,
                             ActiveVersionPointer pointer, JsonMapper json, SentimentProperties properties) {
        this(postgresJdbc, postgresTransactions, pointer, json, properties.queue().lease(),
                properties.queue().maxAttempts(), properties.training().queueCapacity(),
                properties.retry().queueWrite());
    }

    /**
     * @param queueCapacity jobs that may wait (QUEUED) before a submission is refused
     * @param writeBackOff the pace of a worker's writes tried again while the database cannot be reached
     */
    PostgresTrainingJobQueue(JdbcTemplate jdbc, TransactionTemplate transactions, ActiveVersionPointer pointer,
                             JsonMapper json, Duration lease, int maxAttempts, int queueCapacity,
                             SentimentProperties.RetryBackOff writeBackOff) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.pointer = pointer;
        this.json = json;
        this.viewReader = StoredJson.readerFor(json, TrainingJobView.class);
        this.configReader = StoredJson.readerFor(json, TrainingConfig.ResolvedTrainingConfig.class);
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.queueCapacity = queueCapacity;
        // for up to one lease: past it the job is another worker's, and this one's write would match no row
        this.writes = new RetryTemplate(writeBackOff.policy().includes(JobQueueUnavailableException.class)
                .timeout(lease).build());
        this.leaseEnd = "GREATEST(lease_until, pg_postmaster_start_time() + interval '" + lease.toMillis()
                + " milliseconds')";
    }

    @Override
    public TrainingJobView submit(NewJob job) {
        TrainingJobView view = job.view();
        // refused before the upload is copied into the database; counted again below, where it is decided
        refuseWhenFull(0);
        return reachable(() -> transactions.execute(tx -> {
            jdbc.update("INSERT INTO training_jobs (id, created_at, state, config, view) VALUES (?, ?, 'QUEUED', ?::json, ?::json)",
                    view.id(), Timestamp.from(view.createdAt()), json.writeValueAsString(job.config()),
                    json.writeValueAsString(view));
            storeFile(view.id(), "data", job.dataFile());
            if (job.validationFile() != null) {
                storeFile(view.id(), "validation", job.validationFile());
            }
            // counted last, under a lock held until commit, so that two submissions cannot both take the last place
            jdbc.execute("SELECT pg_advisory_xact_lock(hashtext('sentiment_training_jobs_submit'))");
            refuseWhenFull(1);
            return view;
        }));
    }

    /** @param own this submission's row, when it is already counted */
    private void refuseWhenFull(int own) {
        long queued = reachable(() -> jdbc.queryForObject("SELECT count(*) FROM training_jobs WHERE state = 'QUEUED'",
                Long.class)) - own;
        if (queued >= queueCapacity) {
            long running = reachable(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM training_jobs WHERE state = 'RUNNING'", Long.class));
            throw TrainingQueueFullException.withCapacity((int) running, (int) queued);
        }
    }

    /** Streams an upload into 1 MiB chunks. */
    private void storeFile(String jobId, String part, DatasetReader.Upload upload) {
        int chunks = 0;
        long size = 0;
        jdbc.update("INSERT INTO training_job_files (job_id, part, filename, size, chunks) VALUES (?, ?, ?, 0, 0)",
                jobId, part, upload.filename());
        try (InputStream in = upload.contents().open()) {
            byte[] chunk;
            while ((chunk = in.readNBytes(CHUNK_BYTES)).length > 0) {
                jdbc.update("INSERT INTO training_job_chunks (job_id, part, seq, bytes) VALUES (?, ?, ?, ?)",
                        jobId, part, chunks++, chunk);
                size += chunk.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the uploaded file", e);
        }
        jdbc.update("UPDATE training_job_files SET size = ?, chunks = ? WHERE job_id = ? AND part = ?",
                size, chunks, jobId, part);
    }

    @Override
    public Optional<TrainingJobView> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return reachable(() -> jdbc.query("SELECT " + COLUMNS + " FROM training_jobs WHERE id = ?", this::view, id)
                .stream().findFirst());
    }

    @Override
    public List<TrainingJobView> list() {
        return reachable(() -> jdbc.query("SELECT " + COLUMNS + " FROM training_jobs ORDER BY created_at DESC, id",
                this::view));
    }

    @Override
    public Optional<TrainingJobView> oldest(TrainingJobState state) {
        return reachable(() -> jdbc.query("SELECT " + COLUMNS + " FROM training_jobs WHERE state = ? "
                + "ORDER BY created_at LIMIT 1", this::view, state.name()).stream().findFirst());
    }

    @Override
    public Map<TrainingJobState, Long> counts() {
        Map<TrainingJobState, Long> counts = new EnumMap<>(TrainingJobState.class);
        reachable(() -> {
            jdbc.query("SELECT state, count(*) FROM training_jobs GROUP BY state",
                    rs -> {
                        counts.put(TrainingJobState.valueOf(rs.getString(1)), rs.getLong(2));
                    });
            return counts;
        });
        return counts;
    }

    @Override
    public Optional<TrainingJobView> cancel(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return reachable(() -> {
            List<String> cancelledAtOnce = jdbc.queryForList("UPDATE training_jobs SET state = 'CANCELLED', "
                    + "finished_at = now(), cancel_requested = true, updated_at = now() "
                    + "WHERE id = ? AND state = 'QUEUED' RETURNING id", String.class, id);
            if (cancelledAtOnce.isEmpty()) {
                jdbc.update("UPDATE training_jobs SET cancel_requested = true, updated_at = now() "
                        + "WHERE id = ? AND state = 'RUNNING'", id);
            } else {
                dropFiles(id);
                log.info("Cancelled queued training job {}", id);
            }
            return jdbc.query("SELECT " + COLUMNS + " FROM training_jobs WHERE id = ?", this::view, id)
                    .stream().findFirst();
        });
    }

    @Override
    public Optional<JobLease> claim(String worker) {
        return reachable(() -> {
            reapExpired();
            List<JobLease> claimed = jdbc.query("UPDATE training_jobs SET state = 'RUNNING', attempts = attempts + 1, "
                    + "fencing_token = nextval('training_job_fencing'), worker = ?, "
                    + "lease_until = now() + ? * interval '1 millisecond', started_at = now(), finished_at = NULL, "
                    + "updated_at = now() "
                    + "WHERE id = (SELECT id FROM training_jobs "
                    + "  WHERE state = 'QUEUED' OR (state = 'RUNNING' AND " + leaseEnd + " < now() "
                    + "    AND NOT cancel_requested AND attempts < ?) "
                    + "  ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1) "
                    + "RETURNING " + COLUMNS, (rs, n) -> {
                        TrainingJobView v = view(rs, n);
                        return new JobLease(v.id(), worker, rs.getLong("fencing_token"), v.attempts(), v,
                                configReader.readValue(rs.getString("config")), new StoredInput(v.id()));
                    }, worker, lease.toMillis(), maxAttempts);
            return claimed.stream().findFirst();
        });
    }

    /** Jobs whose lease ran out and that may not be tried again: cancelled if that was asked, else failed. */
    private void reapExpired() {
        List<String> ended = jdbc.queryForList("UPDATE training_jobs SET "
                + "state = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'FAILED' END, "
                + "error = CASE WHEN cancel_requested THEN NULL ELSE 'no worker finished the job in ' || attempts "
                + "  || ' attempt(s): the lease of the last one (' || coalesce(worker, '?') || ') ran out' END, "
                + "finished_at = now(), lease_until = NULL, updated_at = now() "
                + "WHERE id IN (SELECT id FROM training_jobs WHERE state = 'RUNNING' AND " + leaseEnd + " < now() "
                + "  AND (cancel_requested OR attempts >= ?) FOR UPDATE SKIP LOCKED) RETURNING id || ' ' || state",
                String.class, maxAttempts);
        for (String end : ended) {
            String[] idAndState = end.split(" ");
            dropFiles(idAndState[0]);
            log.warn("Training job {} is {}: its worker's lease ran out", idAndState[0], idAndState[1]);
        }
    }

    @Override
    public Heartbeat heartbeat(JobLease lease, TrainingJobView progress) {
        return reachable(() -> {
            List<Boolean> cancel = jdbc.queryForList("UPDATE training_jobs SET "
                    + "lease_until = now() + ? * interval '1 millisecond', view = ?::json, updated_at = now() "
                    + "WHERE id = ? AND fencing_token = ? AND state = 'RUNNING' RETURNING cancel_requested",
                    Boolean.class, this.lease.toMillis(), json.writeValueAsString(progress), lease.jobId(), lease.token());
            return cancel.isEmpty() ? Heartbeat.LOST : new Heartbeat(true, cancel.get(0));
        });
    }

    @Override
    public boolean holds(JobLease lease) {
        return retried(() -> {
            Long held = jdbc.queryForObject("SELECT count(*) FROM training_jobs WHERE id = ? AND fencing_token = ? "
                    + "AND state = 'RUNNING' AND " + leaseEnd + " > now()", Long.class, lease.jobId(), lease.token());
            return held != null && held == 1;
        });
    }

    @Override
    public boolean finish(JobLease lease, TrainingJobView finished) {
        return retried(() -> transactions.execute(tx -> end(lease, finished, null)));
    }

    @Override
    public Optional<String> succeed(JobLease lease, boolean activate, ModelPublication model,
                                    Function<String, TrainingJobView> finished) throws IOException {
        if (!holds(lease)) {
            return Optional.empty();
        }
        // stored, never activated here: activation is the pointer's move below, which a lost lease cannot make
        String modelId = model.store(false);
        TrainingJobView view = finished.apply(modelId);
        boolean marked = retried(() -> transactions.execute(tx -> {
            if (!end(lease, view, modelId)) {
                return false;
            }
            if (activate) {
                // the PostgreSQL pointer joins this transaction (same pool): NOTIFY goes out when it commits
                pointer.set(modelId);
            }
            return true;
        }));
        if (!marked) {
            log.warn("Training job {}: attempt {} lost its lease after storing model {}; the version is not activated",
                    lease.jobId(), lease.attempt(), modelId);
            return Optional.empty();
        }
        return Optional.of(modelId);
    }

    /** Marks the job with its final state, if the lease holds, and drops its files. */
    private boolean end(JobLease lease, TrainingJobView finished, String modelId) {
        int rows = jdbc.update("UPDATE training_jobs SET state = ?, error = ?, model_id = ?, view = ?::json, "
                        + "finished_at = now(), lease_until = NULL, updated_at = now() "
                        + "WHERE id = ? AND fencing_token = ? AND state = 'RUNNING'",
                finished.state().name(), finished.error(), modelId, json.writeValueAsString(finished),
                lease.jobId(), lease.token());
        if (rows == 1) {
            dropFiles(lease.jobId());
        }
        return rows == 1;
    }

    /** Back to QUEUED for another worker; the attempt does not count, since it did not fail. */
    @Override
    public void release(JobLease lease, TrainingJobView progress) {
        try {
            reachable(() -> jdbc.update("UPDATE training_jobs SET state = 'QUEUED', attempts = attempts - 1, "
                    + "worker = NULL, lease_until = NULL, started_at = NULL, finished_at = NULL, updated_at = now() "
                    + "WHERE id = ? AND fencing_token = ? AND state = 'RUNNING'", lease.jobId(), lease.token()));
        } catch (JobQueueUnavailableException e) {
            log.warn("Training job {} could not be handed back ({}); another worker takes it when its lease runs out",
                    lease.jobId(), e.getMessage());
        }
    }

    @Override
    public void awaitWork(Duration max) throws InterruptedException {
        // jittered, so that idle workers do not all ask at the same moment
        long millis = max.toMillis();
        Thread.sleep(millis / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.max(1, millis)));
    }

    private void dropFiles(String jobId) {
        jdbc.update("DELETE FROM training_job_files WHERE job_id = ?", jobId);
    }

    /** The job as stored, with the columns the queue decides on laid over what its worker last wrote. */
    private TrainingJobView view(ResultSet rs, int row) throws SQLException {
        TrainingJobView written = viewReader.readValue(rs.getString("view"));
        return written.withQueueState(TrainingJobState.valueOf(rs.getString("state")), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("worker"), rs.getInt("attempts"), rs.getString("error"),
                rs.getString("model_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /**
     * The uploaded files of a job, copied from the database to temporary files before they are read (a
     * database that goes away mid-copy leaves the job to be tried again, not failed on half a file).
     */
    private final class StoredInput implements JobInput {
        private final String jobId;

        StoredInput(String jobId) {
            this.jobId = jobId;
        }

        @Override
        public PreparedDataset prepare(FilesReader files) throws IOException {
            List<Path> copies = new ArrayList<>();
            try {
                DatasetReader.Upload data = copy("data", copies);
                DatasetReader.Upload validation = copy("validation", copies);
                if (data == null) {
                    throw new IOException("the job's uploaded file is missing from the queue");
                }
                return files.read(data, validation);
            } finally {
                for (Path copy : copies) {
                    Files.deleteIfExists(copy);
                }
            }
        }

        private DatasetReader.Upload copy(String part, List<Path> copies) throws IOException {
            List<Map<String, Object>> file = reachable(() -> jdbc.queryForList(
                    "SELECT filename, chunks FROM training_job_files WHERE job_id = ? AND part = ?", jobId, part));
            if (file.isEmpty()) {
                return null;
            }
            String filename = (String) file.get(0).get("filename");
            int chunks = ((Number) file.get(0).get("chunks")).intValue();
            Path copy = Files.createTempFile("sentiment-job-", "-" + part);
            copies.add(copy);
            try (var out = Files.newOutputStream(copy)) {
                for (int seq = 0; seq < chunks; seq++) {
                    int s = seq;
                    byte[] bytes = reachable(() -> jdbc.queryForObject("SELECT bytes FROM training_job_chunks "
                            + "WHERE job_id = ? AND part = ? AND seq = ?", byte[].class, jobId, part, s));
                    out.write(bytes);
                }
            }
            return new DatasetReader.Upload(filename, Files.size(copy), () -> Files.newInputStream(copy));
        }
    }

    /** Runs a call of the API; a database that cannot be reached is a 503, not a 500. */
    private static <T> T reachable(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                throw JobQueueUnavailableException.because(e);
            }
            throw e;
        }
    }

    /** Runs a worker's write again while the database cannot be reached, for up to one lease. */
    private <T> T retried(Supplier<T> call) {
        // the last failure is thrown once the lease is used up, or at once when it is not a 503 of the database
        return writes.invoke(() -> reachable(call));
    }

    static boolean unreachable(Throwable e) {
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                || e instanceof RecoverableDataAccessException || e instanceof CannotCreateTransactionException
                || e instanceof TransactionSystemException;
    }
}
