package com.example.sentiment.model.postgres;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.DaemonThreads;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ActiveVersionPointer;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The active-version pointer in PostgreSQL ({@code sentiment.storage.pointer=postgres}, which follows
 * {@code sentiment.queue.type} when unset): the one row of {@code active_model}
 * (schema {@code db/migration/V2__active_model.sql}). Every change raises its generation in the same statement
 * that sends {@code NOTIFY sentiment_active_model}; a notification is delivered when its transaction commits, so
 * a job that activates its version inside the transaction marking it SUCCEEDED announces nothing if that
 * transaction fails. Called inside a Spring transaction on the same data source, {@link #set} and
 * {@link #compareAndSet} take part in it.
 *
 * <p>{@link #onChange} listeners hear of every change, from this process or another, through {@code LISTEN} on a
 * connection of their own (not one of the pool's) read by a daemon thread. When that connection breaks (a
 * database restart), the thread connects again and calls the listeners once, since a change may have been
 * missed meanwhile.
 */
@Component
@ConditionalOnPostgres("sentiment.storage.pointer")
public class PostgresActiveVersionPointer implements ActiveVersionPointer {

    /** The channel of {@code NOTIFY}; the payload is the new generation. */
    public static final String CHANNEL = "sentiment_active_model";
    private static final Logger log = LoggerFactory.getLogger(PostgresActiveVersionPointer.class);
    private static final int WAIT_MILLIS = 5000;

    private final JdbcTemplate jdbc;
    private final Connections connections;
    private final RetryTemplate reconnects;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Thread listening; // guarded by this
    private Connection connection; // guarded by this
    private volatile boolean closed;
    private boolean missed; // on the listening thread only: a change may have gone unheard since it last listened

    /** Opens the dedicated connection that listens. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    @Autowired
    PostgresActiveVersionPointer(DataSource postgresDataSource, SentimentProperties properties) {
        this(postgresDataSource, () -> DriverManager.getConnection(properties.postgres().url(),
                connectionProperties(properties.postgres())), properties.retry().pointerListen());
    }

    /**
     * @param pool where reads and changes go (the pool of the job queue, so that they can join its transactions)
     * @param listening opens the connection that {@code LISTEN}s
     * @param reconnect the pace at which that connection is opened again while it cannot be
     */
    public PostgresActiveVersionPointer(DataSource pool, Connections listening,
                                        SentimentProperties.RetryBackOff reconnect) {
        this.jdbc = new JdbcTemplate(pool);
        this.connections = listening;
        // for as long as the pointer is open; close() interrupts the wait
        this.reconnects = new RetryTemplate(reconnect.policy().includes(SQLException.class, RuntimeException.class)
                .predicate(e -> !closed).build());
    }

    private static Properties connectionProperties(SentimentProperties.Postgres settings) {
        Properties p = new Properties();
        if (settings.username() != null) {
            p.setProperty("user", settings.username());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("connectTimeout", String.valueOf(Math.max(1, settings.connectTimeout().toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "sentiment-service pointer listener");
        return p;
    }

    @Override
    public Optional<Pointer> current() {
        return jdbc.query("SELECT model_id, generation FROM active_model",
                (rs, n) -> new Pointer(rs.getString(1), rs.getLong(2))).stream()
                .filter(p -> p.modelId() != null).findFirst();
    }

    @Override
    public Pointer set(String modelId) {
        return jdbc.query("WITH moved AS (UPDATE active_model SET model_id = ?, generation = generation + 1, "
                        + "updated_at = now() RETURNING model_id, generation) "
                        + "SELECT model_id, generation, pg_notify(?, generation::text)::text FROM moved",
                (rs, n) -> new Pointer(rs.getString(1), rs.getLong(2)), modelId, CHANNEL).get(0);
    }

    /**
     * Exactly one of two racing calls with the same expected generation wins: the row lock orders them. A
     * version in the row's {@code deleting} list is refused; a call that waited on the row lock for a
     * {@link #beginDeletion} re-checks its condition on the row as that left it, so it sees the mark.
     */
    @Override
    public Optional<Pointer> compareAndSet(long expectedGeneration, String modelId) {
        return jdbc.query("WITH moved AS (UPDATE active_model SET model_id = ?, generation = generation + 1, "
                        + "updated_at = now() WHERE generation = ? AND NOT (? = ANY (deleting)) "
                        + "RETURNING model_id, generation) "
                        + "SELECT model_id, generation, pg_notify(?, generation::text)::text FROM moved",
                (rs, n) -> new Pointer(rs.getString(1), rs.getLong(2)), modelId, expectedGeneration, modelId, CHANNEL)
                .stream().findFirst();
    }

    /**
     * Adds the mark to the pointer's row, only if the generation is still the expected one and the row names
     * another version: one statement on the row, ordered against compare-and-sets by its lock, so that of a
     * deletion and an activation of one version at most one succeeds. The generation stays (no version is
     * activated), so that replicas have nothing to follow.
     */
    @Override
    public boolean beginDeletion(long expectedGeneration, String modelId) {
        return jdbc.update("UPDATE active_model SET deleting = CASE WHEN ? = ANY (deleting) THEN deleting "
                        + "ELSE array_append(deleting, ?) END "
                        + "WHERE generation = ? AND model_id IS DISTINCT FROM ?",
                modelId, modelId, expectedGeneration, modelId) == 1;
    }

    @Override
    public void endDeletion(String modelId) {
        jdbc.update("UPDATE active_model SET deleting = array_remove(deleting, ?) WHERE ? = ANY (deleting)",
                modelId, modelId);
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
        synchronized (this) {
            if (listening == null && !closed) {
                listening = DaemonThreads.named("active-model-listener").newThread(this::listen);
                listening.start();
            }
        }
    }

    /** Listens until closed; a connection that breaks is opened again (at once, then with back-off). */
    private void listen() {
        while (!closed) {
            Connection c;
            try {
                c = reconnects.execute(this::connect);
            } catch (RetryException e) {
                return; // closed, or interrupted by close()
            }
            try (c) {
                if (missed) {
                    log.info("Listening for active-model changes again");
                    fire();
                }
                missed = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        fire();
                    } else if (!c.isValid(2)) {
                        // a quiet connection may also be a dead one: without this, a vanished server goes unnoticed
                        throw new SQLException("the listening connection is no longer valid");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                lost(e);
            } finally {
                synchronized (this) {
                    connection = null;
                }
            }
        }
    }

    /** Opens the listening connection and {@code LISTEN}s on it. */
    private Connection connect() throws SQLException {
        Connection c = null;
        try {
            c = connections.open();
            synchronized (this) {
                connection = c;
            }
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                synchronized (this) {
                    connection = null;
                }
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // broken already
                }
            }
            lost(e);
            throw e;
        }
    }

    /** Notes that changes may go unheard until the connection is back; said once per outage. */
    private void lost(Exception e) {
        if (!closed && !missed) {
            log.warn("Lost the connection that listens for active-model changes ({}); reconnecting", e.getMessage());
        }
        missed = true;
    }

    private void fire() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("An active-model listener failed: {}", e.getMessage(), e);
            }
        }
    }

    /** Stops listening. */
    @PreDestroy
    public void close() {
        Thread thread;
        synchronized (this) {
            closed = true;
            thread = listening;
            if (connection != null) {
                try {
                    connection.close(); // ends a wait in getNotifications
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(WAIT_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
