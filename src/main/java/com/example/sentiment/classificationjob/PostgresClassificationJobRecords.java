package com.example.sentiment.classificationjob;

import com.example.sentiment.system.StoredJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The records in PostgreSQL, shared by every replica (schema {@code db/migration/V6__classification_jobs.sql}):
 * the job as JSON beside the columns that claims and lists decide on.
 *
 * <ul>
 *   <li>A claim is one statement: {@code UPDATE ... WHERE id = (SELECT id ... FOR UPDATE SKIP LOCKED LIMIT 1)},
 *       which takes a new fencing token; two runners never get the same job.</li>
 *   <li>The lease runs on the database's clock, so replicas' clocks need not agree, and it never ends sooner
 *       than one lease after the database started: renewals that failed while it restarted hand no job over.</li>
 *   <li>Every write of a runner names the job's id and its fencing token and needs the job unfinished: a runner
 *       whose job was claimed again (or cancelled) since updates no row.</li>
 * </ul>
 *
 * While the database cannot be reached, calls throw Spring's {@code DataAccessResourceFailureException}, which
 * the API answers 503.
 */
final class PostgresClassificationJobRecords implements ClassificationJobRecords {

    private static final String UNFINISHED = "state IN ('QUEUED', 'RUNNING')";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final ObjectReader reader;
    private final Duration lease;
    // when a lease ends: its time, but never less than one lease after the database (re)started
    private final String leaseEnd;

    PostgresClassificationJobRecords(JdbcTemplate jdbc, JsonMapper json, Duration lease) {
        this.jdbc = jdbc;
        this.json = json;
        this.reader = StoredJson.readerFor(json, ClassificationJob.class);
        this.lease = lease;
        this.leaseEnd = "GREATEST(lease_until, pg_postmaster_start_time() + interval '" + lease.toMillis()
                + " milliseconds')";
    }

    @Override
    public void save(ClassificationJob job) {
        jdbc.update("INSERT INTO classification_jobs (id, created_at, state, record) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, record = EXCLUDED.record, "
                        + "updated_at = now()",
                job.id(), Timestamp.from(job.createdAt()), job.state().name(), json.writeValueAsString(job));
    }

    @Override
    public Optional<ClassificationJob> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.query("SELECT record FROM classification_jobs WHERE id = ?", this::job, id).stream()
                .filter(j -> j != null).findFirst();
    }

    /** The stored record, or null when this version cannot read it (left alone, not listed). */
    private ClassificationJob job(ResultSet rs, int row) throws SQLException {
        try {
            return reader.readValue(rs.getString("record"));
        } catch (JacksonException e) {
            return null;
        }
    }

    @Override
    public List<ClassificationJob> all() {
        return jdbc.query("SELECT record FROM classification_jobs ORDER BY created_at DESC, id DESC", this::job)
                .stream().filter(j -> j != null).toList();
    }

    @Override
    public void delete(String id) {
        jdbc.update("DELETE FROM classification_jobs WHERE id = ?", id);
    }

    @Override
    public long unfinished() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM classification_jobs WHERE " + UNFINISHED, Long.class);
        return count == null ? 0 : count;
    }

    @Override
    public Optional<Lease> claim(String worker) {
        return jdbc.query("UPDATE classification_jobs SET fencing_token = nextval('classification_job_fencing'), "
                        + "worker = ?, lease_until = now() + ? * interval '1 millisecond', claims = claims + 1, "
                        + "updated_at = now() "
                        + "WHERE id = (SELECT id FROM classification_jobs WHERE " + UNFINISHED
                        + "  AND (lease_until IS NULL OR " + leaseEnd + " < now()) "
                        + "  ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1) "
                        + "RETURNING id, fencing_token",
                (rs, n) -> new Lease(rs.getString("id"), worker, rs.getLong("fencing_token")),
                worker, lease.toMillis()).stream().findFirst();
    }

    @Override
    public boolean renew(Lease lease) {
        return jdbc.update("UPDATE classification_jobs SET lease_until = now() + ? * interval '1 millisecond', "
                        + "updated_at = now() WHERE id = ? AND fencing_token = ? AND " + UNFINISHED,
                this.lease.toMillis(), lease.jobId(), lease.token()) == 1;
    }

    @Override
    public boolean update(Lease lease, ClassificationJob job) {
        if (!lease.jobId().equals(job.id())) {
            return false;
        }
        return jdbc.update("UPDATE classification_jobs SET state = ?, record = ?, "
                        + "lease_until = CASE WHEN ? THEN NULL ELSE lease_until END, updated_at = now() "
                        + "WHERE id = ? AND fencing_token = ? AND " + UNFINISHED,
                job.state().name(), json.writeValueAsString(job), job.state().finished(), job.id(), lease.token()) == 1;
    }

    @Override
    public void release(Lease lease) {
        jdbc.update("UPDATE classification_jobs SET lease_until = NULL, worker = NULL, updated_at = now() "
                + "WHERE id = ? AND fencing_token = ?", lease.jobId(), lease.token());
    }

    @Override
    public boolean endUnfinished(ClassificationJob ended) {
        return jdbc.update("UPDATE classification_jobs SET state = ?, record = ?, lease_until = NULL, "
                        + "updated_at = now() WHERE id = ? AND " + UNFINISHED,
                ended.state().name(), json.writeValueAsString(ended), ended.id()) == 1;
    }
}
