package com.example.sentiment.classificationjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every pair of adapters of {@link ClassificationJobRecords} and {@link ClassificationJobFiles} must do
 * (this process's disk; PostgreSQL with the object store); each pair's test extends this class: records saved,
 * listed and deleted; claims, leases that run out and jobs handed over; results that count only once committed;
 * a job whose runner stopped renewing finished by another runner with every row exactly once; the sweep.
 */
abstract class ClassificationJobStoreContract {

    /** The lease of {@link #records()}: short, so that a test sees one run out. */
    static final Duration LEASE = Duration.ofMillis(800);

    final JsonMapper json = JsonMapper.builder().build();

    /** The records under test, with leases of {@link #LEASE}; the same store on every call within a test. */
    protected abstract ClassificationJobRecords records();

    /** The files under test; the same store on every call within a test. */
    protected abstract ClassificationJobFiles files();

    static ClassificationJob job(String id, Instant created, ClassificationJob.State state) {
        return new ClassificationJob(id, state, "m-1", "in.csv", "csv", "text", "jsonl", 10, 0, created, null, null, 0,
                null);
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void recordsAreSavedReplacedListedNewestFirstAndDeleted() {
        ClassificationJob older = job("cj-a", Instant.parse("2026-12-07T00:00:00Z"), ClassificationJob.State.QUEUED);
        ClassificationJob newer = job("cj-b", Instant.parse("2026-12-07T00:00:01Z"), ClassificationJob.State.QUEUED);
        records().save(older);
        records().save(newer);
        assertThat(records().all()).extracting(ClassificationJob::id).containsExactly("cj-b", "cj-a");

        ClassificationJob ended = older.running(Instant.parse("2026-12-07T00:00:02Z"))
                .ended(ClassificationJob.State.SUCCEEDED, 10, 1.5, Instant.parse("2026-12-07T00:00:03Z"), null);
        records().save(ended);
        assertThat(records().find("cj-a")).contains(ended);
        assertThat(records().find("cj-missing")).isEmpty();
        assertThat(records().find("../escape")).isEmpty();

        records().delete("cj-a");
        records().delete("cj-a");
        assertThat(records().find("cj-a")).isEmpty();
        assertThat(records().all()).extracting(ClassificationJob::id).containsExactly("cj-b");
    }

    @Test
    void resultsCountOnlyOnceCommittedAndAReopenedOutputDropsWhatCameAfterTheCheckpoint() throws IOException {
        files().storeInput("cj-r", new ByteArrayInputStream("text\na\nb\nc\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(read(files().openInput("cj-r"))).isEqualTo("text\na\nb\nc\n");
        assertThat(files().checkpoint("cj-r")).isEqualTo(ClassificationJobFiles.Checkpoint.START);

        try (ClassificationJobFiles.ResultOutput out = files().openOutput("cj-r", ClassificationJobFiles.Checkpoint.START)) {
            out.stream().write("h\n1\n".getBytes(StandardCharsets.UTF_8));
            assertThat(out.commit(1)).isEqualTo(new ClassificationJobFiles.Checkpoint(1, 4));
            out.stream().write("2\n".getBytes(StandardCharsets.UTF_8));
            assertThat(out.commit(2)).isEqualTo(new ClassificationJobFiles.Checkpoint(2, 6));
            out.stream().write("3-not-committed".getBytes(StandardCharsets.UTF_8));
            out.stream().flush();
        }
        assertThat(files().checkpoint("cj-r")).isEqualTo(new ClassificationJobFiles.Checkpoint(2, 6));
        assertThat(read(files().openResults("cj-r"))).isEqualTo("h\n1\n2\n");

        try (ClassificationJobFiles.ResultOutput out = files().openOutput("cj-r", files().checkpoint("cj-r"))) {
            out.stream().write("3\n".getBytes(StandardCharsets.UTF_8));
            out.commit(3);
        }
        assertThat(read(files().openResults("cj-r"))).isEqualTo("h\n1\n2\n3\n");

        files().deleteFiles("cj-r");
        files().deleteFiles("cj-r");
        assertThat(files().checkpoint("cj-r")).isEqualTo(ClassificationJobFiles.Checkpoint.START);
        assertThatThrownBy(() -> files().openInput("cj-r")).isInstanceOf(IOException.class);
    }

    @Test
    void aClaimHoldsTheOldestUnfinishedJobUntilItsLeaseRunsOutAndThenAnotherWorkerTakesItOver() {
        Instant t0 = Instant.parse("2026-12-07T00:00:00Z");
        ClassificationJob ended = job("cj-ended", t0, ClassificationJob.State.SUCCEEDED);
        ClassificationJob first = job("cj-q1", t0.plusSeconds(1), ClassificationJob.State.QUEUED);
        ClassificationJob second = job("cj-q2", t0.plusSeconds(2), ClassificationJob.State.QUEUED);
        records().save(second);
        records().save(ended);
        records().save(first);
        assertThat(records().unfinished()).isEqualTo(2);

        ClassificationJobRecords.Lease a = records().claim("worker-a").orElseThrow();
        ClassificationJobRecords.Lease b = records().claim("worker-b").orElseThrow();
        assertThat(a.jobId()).as("oldest first").isEqualTo("cj-q1");
        assertThat(b.jobId()).isEqualTo("cj-q2");
        assertThat(records().claim("worker-c")).as("every unfinished job is held").isEmpty();
        assertThat(records().renew(a)).isTrue();
        assertThat(records().update(a, first.running(t0.plusSeconds(3)))).isTrue();
        assertThat(records().find("cj-q1").orElseThrow().state()).isEqualTo(ClassificationJob.State.RUNNING);

        // handed back: claimable at once, and the old claim writes nothing any more
        records().release(b);
        ClassificationJobRecords.Lease c = records().claim("worker-c").orElseThrow();
        assertThat(c.jobId()).isEqualTo("cj-q2");
        assertThat(c.token()).isNotEqualTo(b.token());
        assertThat(records().update(b, second.running(t0))).isFalse();
        assertThat(records().find("cj-q2").orElseThrow().state()).isEqualTo(ClassificationJob.State.QUEUED);

        // worker a stops renewing: once its lease has run out, the next claim takes the job over
        ClassificationJobRecords.Lease d = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> records().claim("worker-d"), Optional::isPresent).orElseThrow();
        assertThat(d.jobId()).isEqualTo("cj-q1");
        assertThat(records().renew(a)).as("a lease taken over is lost").isFalse();
        assertThat(records().update(a, first.ended(ClassificationJob.State.SUCCEEDED, 10, 1, t0, null))).isFalse();
        assertThat(records().find("cj-q1").orElseThrow().state()).isEqualTo(ClassificationJob.State.RUNNING);
        assertThat(records().renew(d)).isTrue();

        // a cancel ends the job whoever holds it; the holder's next renewal and write find it gone
        ClassificationJob cancelled = first.ended(ClassificationJob.State.CANCELLED, 0, 0, t0.plusSeconds(4), null);
        assertThat(records().endUnfinished(cancelled)).isTrue();
        assertThat(records().endUnfinished(cancelled)).as("ended already").isFalse();
        assertThat(records().renew(d)).isFalse();
        assertThat(records().update(d, first.running(t0))).isFalse();
        assertThat(records().find("cj-q1")).contains(cancelled);
        assertThat(records().unfinished()).isEqualTo(1);
        assertThat(records().endUnfinished(job("cj-missing", t0, ClassificationJob.State.CANCELLED))).isFalse();
    }

    @Test
    void workersClaimingAtOnceNeverGetTheSameJob() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T00:00:00Z");
        int jobs = 12;
        for (int i = 0; i < jobs; i++) {
            records().save(job("cj-c" + i, t0.plusMillis(i), ClassificationJob.State.QUEUED));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> claimed = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String worker = "worker-" + w;
                Callable<List<String>> claims = () -> {
                    List<String> ids = new ArrayList<>();
                    Optional<ClassificationJobRecords.Lease> lease;
                    while ((lease = records().claim(worker)).isPresent()) {
                        ids.add(lease.get().jobId());
                    }
                    return ids;
                };
                claimed.add(pool.submit(claims));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : claimed) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The records as a runner whose process froze sees them: its renewals say yes and do nothing. */
    static ClassificationJobRecords withoutRenewal(ClassificationJobRecords records) {
        return (ClassificationJobRecords) Proxy.newProxyInstance(ClassificationJobRecords.class.getClassLoader(),
                new Class<?>[] {ClassificationJobRecords.class}, (proxy, method, args) -> {
                    if (method.getName().equals("renew")) {
                        return true;
                    }
                    try {
                        return method.invoke(records, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A CSV of {@code rows} rows whose ids are {@code row-0}, {@code row-1}, ... */
    static String csv(int rows) {
        StringBuilder csv = new StringBuilder("id,text\n");
        List<String> texts = ClassificationJobServiceTest.texts(rows);
        for (int i = 0; i < rows; i++) {
            csv.append("row-").append(i).append(",\"").append(texts.get(i).replace("\"", "\"\"")).append("\"\n");
        }
        return csv.toString();
    }

    /** Asserts that CSV results answer {@code row-0} to {@code row-(rows-1)} each once, in order, after one header. */
    static void assertEveryRowOnce(String results, int rows) {
        List<String> lines = results.lines().toList();
        assertThat(lines.get(0)).startsWith("id,label,");
        List<String> order = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            assertThat(line.split(",")).as(line).hasSize(5);
            order.add(line.substring(0, line.indexOf(',')));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            expected.add("row-" + i);
        }
        assertThat(order).as("every id exactly once, in the input's order").isEqualTo(expected);
    }

    /** A queued job of {@code rows} rows, its input stored. */
    ClassificationJob queued(String id, int rows) throws IOException {
        files().storeInput(id, new ByteArrayInputStream(csv(rows).getBytes(StandardCharsets.UTF_8)));
        ClassificationJob job = new ClassificationJob(id, ClassificationJob.State.QUEUED, TinyJobInference.MODEL_ID,
                "in.csv", "csv", "text", "csv", rows, 0, Instant.now(), null, null, 0, null);
        records().save(job);
        return job;
    }

    ClassificationJobRunner runner(ClassificationJobRecords records, JobInference inference, String worker,
                                   int commitRows) {
        return new ClassificationJobRunner(records, files(), inference, json, commitRows, Clock.systemUTC(), worker,
                LEASE, Duration.ofMillis(100));
    }

    @Test
    void aJobWhoseRunnerStoppedRenewingIsFinishedByAnotherRunnerWithEveryRowOnce() throws Exception {
        int rows = 50;
        int commitRows = 8;
        String id = queued("cj-handover", rows).id();

        // runner a: three chunks committed, then its process freezes in the fourth (no more renewals)
        TinyJobInference frozen = new TinyJobInference();
        CountDownLatch inFourthChunk = new CountDownLatch(1);
        frozen.beforeChunk = chunk -> {
            if (chunk == 3) {
                inFourthChunk.countDown();
                new CountDownLatch(1).await();
            }
        };
        ClassificationJobRunner a = runner(withoutRenewal(records()), frozen, "worker-a", commitRows);
        ClassificationJobRunner b = null;
        a.start();
        try {
            assertThat(inFourthChunk.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(files().checkpoint(id).rows()).isEqualTo(3L * commitRows);

            // runner b claims it once a's lease has run out, and goes on from the last committed row
            TinyJobInference other = new TinyJobInference();
            b = runner(records(), other, "worker-b", commitRows);
            b.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> records().find(id).orElseThrow().state() == ClassificationJob.State.SUCCEEDED);
            assertThat(other.chunks.get()).as("chunks classified by b").isEqualTo((rows - 24 + 7) / 8);
        } finally {
            a.stop(); // a wakes up, finds its lease lost, and writes nothing
            if (b != null) {
                b.stop();
            }
        }
        ClassificationJob done = records().find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(ClassificationJob.State.SUCCEEDED);
        assertThat(done.rowsDone()).isEqualTo(rows);
        assertThat(files().checkpoint(id).rows()).isEqualTo(rows);
        assertEveryRowOnce(read(files().openResults(id)), rows);
    }

    @Test
    void aJobCancelledElsewhereStopsItsRunnerAtTheNextRenewalAndStaysCancelled() throws Exception {
        String id = queued("cj-cancelled", 40).id();
        TinyJobInference slow = new TinyJobInference();
        CountDownLatch inSecondChunk = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        slow.beforeChunk = chunk -> {
            if (chunk == 1) {
                inSecondChunk.countDown();
                try {
                    new CountDownLatch(1).await();
                } finally {
                    stopped.countDown();
                }
            }
        };
        ClassificationJobRunner runner = runner(records(), slow, "worker-a", 8);
        runner.start();
        try {
            assertThat(inSecondChunk.await(60, TimeUnit.SECONDS)).isTrue();
            // another replica cancels: only the record changes, this runner hears of it when it renews
            ClassificationJob now = records().find(id).orElseThrow();
            assertThat(records().endUnfinished(now.ended(ClassificationJob.State.CANCELLED, 8, 0, Instant.now(), null)))
                    .isTrue();
            assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the runner stopped the job").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> runner.inLine() == 0);
        } finally {
            runner.stop();
        }
        assertThat(records().find(id).orElseThrow().state()).isEqualTo(ClassificationJob.State.CANCELLED);
        assertThat(slow.chunks.get()).isEqualTo(2);
        assertThat(files().checkpoint(id).rows()).isEqualTo(8);
    }

    @Test
    void theSweepDeletesEndedJobsPastTheRetentionTimeWithTheirFiles() throws Exception {
        Path dir = Files.createTempDirectory("cj-sweep");
        SentimentProperties properties = ClassificationJobServiceTest.properties(dir, 8);
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        ClassificationJob old = queued("cj-old", 3);
        try (ClassificationJobFiles.ResultOutput out = files().openOutput("cj-old", ClassificationJobFiles.Checkpoint.START)) {
            out.stream().write("id,label\n".getBytes(StandardCharsets.UTF_8));
            out.commit(3);
        }
        records().save(old.running(now.minus(Duration.ofDays(9)))
                .ended(ClassificationJob.State.SUCCEEDED, 3, 1, now.minus(Duration.ofDays(8)), null));
        ClassificationJob recent = queued("cj-recent", 3);
        records().save(recent.running(now).ended(ClassificationJob.State.FAILED, 0, 1, now.minus(Duration.ofDays(1)), "x"));
        ClassificationJob waiting = queued("cj-waiting", 3);

        TinyJobInference inference = new TinyJobInference();
        ClassificationJobService service = new ClassificationJobService(records(), files(),
                runner(records(), inference, "sweeper", 8), inference, json, properties, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(service.sweep()).isEqualTo(1);
        assertThat(records().find("cj-old")).isEmpty();
        assertThat(files().checkpoint("cj-old")).isEqualTo(ClassificationJobFiles.Checkpoint.START);
        assertThatThrownBy(() -> files().openInput("cj-old")).isInstanceOf(IOException.class);
        Set<String> kept = new HashSet<>();
        records().all().forEach(j -> kept.add(j.id()));
        assertThat(kept).containsExactlyInAnyOrder("cj-recent", "cj-waiting");
        assertThat(read(files().openInput(waiting.id()))).startsWith("id,text");
        assertThat(service.sweep()).isZero();
    }
}
