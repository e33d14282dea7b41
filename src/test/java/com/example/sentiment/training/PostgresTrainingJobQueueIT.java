package com.example.sentiment.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestPostgres;
import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.model.ActiveVersionPointer;
import com.example.sentiment.model.postgres.PostgresActiveVersionPointer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PostgreSQL queue against the queue contract, on a private cluster ({@link TestPostgres}); and what only a
 * shared queue does: the uploaded files travel through the database, a restart fails nothing, activation moves
 * the shared pointer in the job's transaction and announces it, two activations race and one wins, and an
 * outage is a 503 that passes.
 */
class PostgresTrainingJobQueueIT extends TrainingJobQueueContract {

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();
    private final List<PostgresActiveVersionPointer> pointers = new ArrayList<>();
    private TestPostgres postgres;

    @BeforeEach
    void emptyDatabase() {
        postgres = TestPostgres.get();
        postgres.reset();
    }

    @AfterEach
    void closePointers() {
        pointers.forEach(PostgresActiveVersionPointer::close);
    }

    @Override
    protected TrainingJobQueue queue(java.time.Duration lease, int maxAttempts, int queueCapacity) {
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(postgres.dataSource()));
        return new PostgresTrainingJobQueue(new JdbcTemplate(postgres.dataSource()), transactions, pointer(), json,
                lease, maxAttempts, queueCapacity, SentimentProperties.Retry.defaults().queueWrite());
    }

    /** A pointer as one replica has it: the shared pool, and a listening connection of its own. */
    private PostgresActiveVersionPointer pointer() {
        PostgresActiveVersionPointer pointer = postgres.pointer();
        pointers.add(pointer);
        return pointer;
    }

    @Override
    protected boolean activatesInProcess() {
        return false;
    }

    @Test
    void theWorkerReadsTheUploadedFilesFromTheDatabase() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        byte[] data = new byte[(int) (2.5 * PostgresTrainingJobQueue.CHUNK_BYTES)];
        new Random(7).nextBytes(data);
        byte[] validation = "text,label\nfine,pos\n".getBytes();
        TrainingJobQueue.NewJob job = newJob();
        queue.submit(new TrainingJobQueue.NewJob(job.view(), job.config(), null,
                new DatasetReader.Upload("big.csv", data.length, () -> new ByteArrayInputStream(data)),
                new DatasetReader.Upload("dev.csv", validation.length, () -> new ByteArrayInputStream(validation))));
        TrainingJobQueue.JobLease lease = queue.claim("w").orElseThrow();
        List<Object> read = new ArrayList<>();
        lease.input().prepare((d, v) -> {
            read.add(d.filename());
            read.add(bytes(d));
            read.add(v.filename());
            read.add(bytes(v));
            return null;
        });
        assertThat(read).hasSize(4);
        assertThat(read.get(0)).isEqualTo("big.csv");
        assertThat((byte[]) read.get(1)).isEqualTo(data);
        assertThat(read.get(2)).isEqualTo("dev.csv");
        assertThat((byte[]) read.get(3)).isEqualTo(validation);

        queue.finish(lease, ended(lease, TrainingJobState.FAILED, "x", null));
        JdbcTemplate jdbc = new JdbcTemplate(postgres.dataSource());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM training_job_chunks", Long.class))
                .as("a finished job's files are dropped").isZero();
    }

    private static byte[] bytes(DatasetReader.Upload upload) {
        try (InputStream in = upload.contents().open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRestartedProcessFailsNothingAndTheJobGoesOnWhenTheLeaseRunsOut() {
        TrainingJobQueue before = queue(SHORT_LEASE, 3, 10);
        String id = before.submit(newJob()).id();
        before.claim("http://a:8080").orElseThrow();
        TrainingJobQueue after = queue(SHORT_LEASE, 3, 10);
        assertThat(after.find(id).orElseThrow().state()).isEqualTo(TrainingJobState.RUNNING);
        TrainingJobQueue.JobLease retried = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> after.claim("http://b:8080"), Optional::isPresent).orElseThrow();
        assertThat(retried.attempt()).isEqualTo(2);
    }

    @Test
    void aJobHandedBackAtShutdownWaitsForAnotherWorkerWithoutLosingAnAttempt() {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        String id = queue.submit(newJob()).id();
        TrainingJobQueue.JobLease lease = queue.claim("http://a:8080").orElseThrow();
        queue.release(lease, progressed(lease, 2));
        TrainingJobView waiting = queue.find(id).orElseThrow();
        assertThat(waiting.state()).isEqualTo(TrainingJobState.QUEUED);
        assertThat(waiting.worker()).isNull();
        assertThat(waiting.attempts()).isZero();
        TrainingJobQueue.JobLease next = queue.claim("http://b:8080").orElseThrow();
        assertThat(next.attempt()).isEqualTo(1);
        assertThat(queue.finish(lease, ended(lease, TrainingJobState.FAILED, "late", null))).isFalse();
    }

    @Test
    void activationMovesTheSharedPointerWithTheJobAndAnnouncesIt() throws Exception {
        ActiveVersionPointer replica = pointer();
        AtomicInteger heard = new AtomicInteger();
        replica.onChange(heard::incrementAndGet);
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        // LISTEN starts on a thread of its own: change the pointer until the listener is connected
        PostgresActiveVersionPointer writer = pointer();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            writer.set("20261201-000000-0000");
            return heard.get() >= 1;
        });
        ActiveVersionPointer.Pointer start = writer.current().orElseThrow();
        heard.set(0);

        queue.submit(newJob());
        TrainingJobQueue.JobLease lease = queue.claim("w").orElseThrow();
        assertThat(queue.succeed(lease, true, activate -> "20261202-100000-abcd",
                modelId -> ended(lease, TrainingJobState.SUCCEEDED, null, modelId))).contains("20261202-100000-abcd");
        assertThat(replica.current()).contains(new ActiveVersionPointer.Pointer("20261202-100000-abcd",
                start.generation() + 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= 1);

        queue.submit(newJob());
        TrainingJobQueue.JobLease storeOnly = queue.claim("w").orElseThrow();
        queue.succeed(storeOnly, false, activate -> "20261202-110000-0001",
                modelId -> ended(storeOnly, TrainingJobState.SUCCEEDED, null, modelId));
        assertThat(replica.current().orElseThrow().modelId()).as("activate false leaves the pointer")
                .isEqualTo("20261202-100000-abcd");
    }

    @Test
    void aWorkerThatLostItsLeaseCannotActivate() throws Exception {
        TrainingJobQueue queue = queue(SHORT_LEASE, 3, 10);
        ActiveVersionPointer.Pointer before = pointer().set("20261201-000000-0000");
        queue.submit(newJob());
        TrainingJobQueue.JobLease lost = queue.claim("http://a:8080").orElseThrow();
        TrainingJobQueue.JobLease current = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> queue.claim("http://b:8080"), Optional::isPresent).orElseThrow();
        assertThat(queue.succeed(lost, true, activate -> "m-lost",
                modelId -> ended(lost, TrainingJobState.SUCCEEDED, null, modelId))).isEmpty();
        assertThat(pointer().current()).contains(before);
        assertThat(queue.find(current.jobId()).orElseThrow().state()).isEqualTo(TrainingJobState.RUNNING);
    }

    @Test
    void ofTwoRacingActivationsExactlyOneWins() throws Exception {
        ActiveVersionPointer.Pointer start = pointer().set("20261201-000000-0000");
        for (int round = 0; round < 20; round++) {
            long expected = start.generation() + round;
            PostgresActiveVersionPointer a = pointer();
            PostgresActiveVersionPointer b = pointer();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            Future<Optional<ActiveVersionPointer.Pointer>> first = threads.submit(() -> {
                go.await();
                return a.compareAndSet(expected, "model-a-" + round(expected));
            });
            Future<Optional<ActiveVersionPointer.Pointer>> second = threads.submit(() -> {
                go.await();
                return b.compareAndSet(expected, "model-b-" + round(expected));
            });
            go.countDown();
            Optional<ActiveVersionPointer.Pointer> x = first.get(20, TimeUnit.SECONDS);
            Optional<ActiveVersionPointer.Pointer> y = second.get(20, TimeUnit.SECONDS);
            threads.shutdown();
            assertThat(x.isPresent() ^ y.isPresent()).as("exactly one of %s and %s", x, y).isTrue();
            ActiveVersionPointer.Pointer winner = x.orElseGet(y::orElseThrow);
            assertThat(winner.generation()).isEqualTo(expected + 1);
            assertThat(a.current()).contains(winner);
        }
        assertThat(pointer().compareAndSet(start.generation(), "stale")).as("an old generation never wins").isEmpty();
    }

    private static String round(long generation) {
        return Long.toString(generation);
    }

    @Test
    void aChangeReachesTheListenersOfEveryReplica() {
        PostgresActiveVersionPointer writer = pointer();
        List<String> seenByOne = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> seenByTwo = new java.util.concurrent.CopyOnWriteArrayList<>();
        PostgresActiveVersionPointer one = pointer();
        PostgresActiveVersionPointer two = pointer();
        one.onChange(() -> one.current().ifPresent(p -> seenByOne.add(p.modelId())));
        two.onChange(() -> two.current().ifPresent(p -> seenByTwo.add(p.modelId())));
        // LISTEN starts on a thread of its own: repeat the change until both listeners are connected
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            writer.set("20261202-120000-0001");
            return !seenByOne.isEmpty() && !seenByTwo.isEmpty();
        });
        writer.set("20261202-130000-0002");
        await().atMost(Duration.ofSeconds(10)).until(() -> seenByOne.contains("20261202-130000-0002")
                && seenByTwo.contains("20261202-130000-0002"));
    }

    @Test
    void aDatabaseRestartEndsNoLeaseBeforeItsHolderCouldRenewIt() throws Exception {
        Duration lease = Duration.ofSeconds(8);
        TrainingJobQueue holder = queue(lease, 3, 10);
        String id = holder.submit(newJob()).id();
        TrainingJobQueue.JobLease held = holder.claim("http://a:8080").orElseThrow();
        postgres.down();
        try {
            // longer than the lease: every heartbeat of the holder fails meanwhile
            await().pollDelay(lease.plusSeconds(1)).atMost(lease.plusSeconds(5)).until(() -> true);
        } finally {
            postgres.up();
        }
        TrainingJobQueue other = queue(lease, 3, 10);
        await().atMost(Duration.ofSeconds(30)).ignoreException(JobQueueUnavailableException.class)
                .until(() -> other.find(id).isPresent());
        // the lease has run out on the clock, but the holder gets one lease after the restart to renew it
        assertThat(other.claim("http://b:8080")).isEmpty();
        assertThat(holder.holds(held)).isTrue();
        assertThat(holder.heartbeat(held, held.view()).held()).isTrue();
        assertThat(other.find(id).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void whileTheDatabaseIsDownTheQueueAnswersUnavailableAndRecoversAfterwards() throws Exception {
        TrainingJobQueue queue = queue(LONG_LEASE, 3, 10);
        String id = queue.submit(newJob()).id();
        PostgresActiveVersionPointer replica = pointer();
        AtomicInteger heard = new AtomicInteger();
        replica.onChange(heard::incrementAndGet);
        PostgresActiveVersionPointer writer = pointer();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            writer.set("before-outage");
            return heard.get() > 0;
        });
        postgres.down();
        try {
            assertThatThrownBy(() -> queue.find(id)).isInstanceOf(JobQueueUnavailableException.class);
            assertThatThrownBy(queue::list).isInstanceOf(JobQueueUnavailableException.class);
            assertThatThrownBy(() -> queue.submit(newJob())).isInstanceOf(JobQueueUnavailableException.class);
            assertThatThrownBy(() -> queue.claim("w")).isInstanceOf(JobQueueUnavailableException.class);
        } finally {
            postgres.up();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreException(JobQueueUnavailableException.class)
                .until(() -> queue.find(id).isPresent());
        assertThat(queue.claim("w").orElseThrow().jobId()).isEqualTo(id);
        // the listener connected again: a change after the outage reaches it
        heard.set(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            writer.set("after-outage");
            return heard.get() > 0;
        });
        assertThat(replica.current().orElseThrow().modelId()).isEqualTo("after-outage");
    }
}
