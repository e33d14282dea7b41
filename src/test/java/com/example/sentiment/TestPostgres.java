package com.example.sentiment;

import static org.junit.jupiter.api.Assertions.fail;

import com.example.sentiment.model.postgres.PostgresActiveVersionPointer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A private PostgreSQL cluster for the integration tests: started once per test JVM by
 * {@code scripts/test-servers/postgres.sh} on a free loopback port, stopped (and its data deleted) when the JVM
 * exits. Without the server binaries the tests that ask for it are skipped, with the reason, unless
 * {@code SENTIMENT_REQUIRE_TEST_SERVERS=1} (as in CI), which makes them fail instead.
 */
public final class TestPostgres {

    private static final Path SCRIPT = Path.of("scripts/test-servers/postgres.sh").toAbsolutePath();
    private static final int MISSING_BINARIES = 3;
    private static TestPostgres instance;
    private static String unavailable;

    private final Path dir;
    private final String url;
    private HikariDataSource pool;

    private TestPostgres(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    /** The cluster, started on first use; skips (or fails, in CI) the calling test when it cannot run. */
    public static synchronized TestPostgres get() {
        if (instance == null && unavailable == null) {
            try {
                instance = start();
            } catch (IOException e) {
                unavailable = "could not start PostgreSQL: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted while PostgreSQL started";
            }
        }
        if (instance == null) {
            if ("1".equals(System.getenv("SENTIMENT_REQUIRE_TEST_SERVERS"))) {
                fail(unavailable + " (SENTIMENT_REQUIRE_TEST_SERVERS=1)");
            }
            Assumptions.abort(unavailable + "; install it with: apt-get install -y postgresql-15");
        }
        return instance;
    }

    private static TestPostgres start() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of("target/test-servers")).toAbsolutePath()
                .resolve("postgres-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        Path log = dir.resolve("start.log");
        Process process = new ProcessBuilder("bash", SCRIPT.toString(), "start", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the script did not finish within 120 s; see " + log);
        }
        List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (process.exitValue() == MISSING_BINARIES) {
            unavailable = "the PostgreSQL server binaries are not installed (" + String.join(" ", output) + ")";
            return null;
        }
        if (process.exitValue() != 0 || output.isEmpty()) {
            throw new IOException("exit status " + process.exitValue() + ": " + String.join("\n", output));
        }
        TestPostgres server = new TestPostgres(dir, output.get(output.size() - 1).trim());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-postgres-stop"));
        return server;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/sentiment}; user {@code postgres}, no password. */
    public String url() {
        return url;
    }

    public String username() {
        return "postgres";
    }

    /** A pool on the database with the application's schema (Flyway, as the service migrates it). */
    public synchronized HikariDataSource dataSource() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(username());
            config.setMaximumPoolSize(8);
            config.setConnectionTimeout(2000);
            config.setPoolName("test-postgres");
            pool = new HikariDataSource(config);
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        }
        return pool;
    }

    /** A pointer as one replica has it: the shared pool, and a listening connection of its own; close it. */
    public PostgresActiveVersionPointer pointer() {
        return new PostgresActiveVersionPointer(dataSource(),
                () -> java.sql.DriverManager.getConnection(url(), username(), ""),
                SentimentProperties.Retry.defaults().pointerListen());
    }

    /** Empties every table of the application and resets the active-version pointer. */
    public void reset() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource());
        jdbc.execute("TRUNCATE training_jobs, training_job_files, training_job_chunks, feedback, classification_jobs");
        jdbc.update("UPDATE active_model SET model_id = NULL, generation = 0");
        jdbc.update("UPDATE rollout_state SET state = '{}', generation = 0");
    }

    /** Stops the server, keeping its data, as an outage would. */
    public void down() throws IOException, InterruptedException {
        script("down");
    }

    /** Starts it again on the same port. */
    public void up() throws IOException, InterruptedException {
        script("up");
    }

    private void script(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", SCRIPT.toString(), command, dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(command + ".log").toFile()))
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("postgres.sh " + command + " failed; see " + dir.resolve(command + ".log"));
        }
    }

    private void stop() {
        try {
            if (pool != null) {
                pool.close();
            }
            script("stop");
        } catch (IOException e) {
            System.err.println("could not stop the test PostgreSQL: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
