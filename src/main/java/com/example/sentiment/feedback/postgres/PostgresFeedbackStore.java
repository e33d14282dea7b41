package com.example.sentiment.feedback.postgres;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.feedback.Feedback;
import com.example.sentiment.feedback.FeedbackPage;
import com.example.sentiment.feedback.FeedbackStore;
import com.example.sentiment.feedback.FeedbackStoreFullException;
import com.example.sentiment.feedback.StorableText;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Corrections in PostgreSQL ({@code sentiment.feedback.store=postgres}, which follows {@code sentiment.queue.type}
 * when unset; schema {@code db/migration/V3__feedback.sql}),
 * so that every serving replica records into, and every worker trains on, the same set. A correction is durable
 * once its insert has committed, which {@link #save} waits for. The file-system adapter stays the default.
 * {@link #forEach} reads in key-ordered batches (keyset paging on the {@code feedback_order} index), so that an
 * export holds one batch at a time and no transaction stays open while a slow client reads it.
 */
@Component
@ConditionalOnPostgres("sentiment.feedback.store")
public class PostgresFeedbackStore implements FeedbackStore {

    private static final String COLUMNS = "id, created_at, created_nanos, text, label, model_id, predicted_label";
    private static final String ORDER = "created_at, created_nanos, id";
    private static final String NEWEST_FIRST = "created_at DESC, created_nanos DESC, id DESC";
    private static final String SIZE = "octet_length(text) + octet_length(label) + coalesce(octet_length(model_id), 0)"
            + " + coalesce(octet_length(predicted_label), 0)";
    /** The advisory lock that serialises inserts across replicas, so that two cannot both take the last place. */
    private static final long INSERT_LOCK = 0x5e17_fbacL;
    private static final int BATCH = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final int maxEntries;
    private final long maxTotalSize;
    private final int batch;

    /** @param postgresDataSource the pool of {@code sentiment.postgres}, its schema migrated */
    @Autowired
    public PostgresFeedbackStore(DataSource postgresDataSource, SentimentProperties properties) {
        this(postgresDataSource, properties.feedback(), BATCH);
    }

    /** @param batch corrections {@link #forEach} reads per query */
    public PostgresFeedbackStore(DataSource postgresDataSource, SentimentProperties.FeedbackLimits limits, int batch) {
        this.jdbc = new JdbcTemplate(postgresDataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(postgresDataSource));
        this.maxEntries = limits.maxEntries();
        this.maxTotalSize = limits.maxTotalSize().toBytes();
        this.batch = batch;
    }

    @Override
    public void save(Feedback feedback) {
        StorableText.check(feedback);
        Instant at = feedback.createdAt();
        long size = feedback.storedSize();
        transactions.executeWithoutResult(status -> {
            jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> null, INSERT_LOCK);
            // counted on each insert, not kept in a counter row: corrections come at a person's pace, and a
            // count over the capped table costs milliseconds
            jdbc.query("SELECT count(*), coalesce(sum(" + SIZE + "), 0) FROM feedback", rs -> {
                rs.next();
                if (rs.getLong(1) >= maxEntries) {
                    throw FeedbackStoreFullException.entries(maxEntries);
                }
                if (rs.getLong(2) + size > maxTotalSize) {
                    throw FeedbackStoreFullException.size(maxTotalSize);
                }
                return null;
            });
            // the column keeps microseconds; created_nanos gives the instant back exactly
            jdbc.update("INSERT INTO feedback (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", feedback.id(),
                    Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)), at.getNano(), feedback.text(), feedback.label(),
                    feedback.modelId(), feedback.predictedLabel());
        });
    }

    @Override
    public Optional<Feedback> find(String id) {
        if (!storable(id)) {
            return Optional.empty();
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM feedback WHERE id = ?", PostgresFeedbackStore::feedback, id)
                .stream().findFirst();
    }

    @Override
    public boolean delete(String id) {
        if (!storable(id)) {
            return false;
        }
        return jdbc.update("DELETE FROM feedback WHERE id = ?", id) > 0;
    }

    @Override
    public FeedbackPage page(int page, int size, String modelId) {
        if (!storable(modelId)) {
            return new FeedbackPage(List.of(), page, size, 0);
        }
        String where = modelId == null ? "" : " WHERE model_id = ?";
        Object[] filter = modelId == null ? new Object[0] : new Object[] {modelId};
        Long total = jdbc.queryForObject("SELECT count(*) FROM feedback" + where, Long.class, filter);
        Object[] args = modelId == null ? new Object[] {size, (long) page * size}
                : new Object[] {modelId, size, (long) page * size};
        List<Feedback> items = jdbc.query("SELECT " + COLUMNS + " FROM feedback" + where + " ORDER BY " + NEWEST_FIRST
                + " LIMIT ? OFFSET ?", PostgresFeedbackStore::feedback, args);
        return new FeedbackPage(List.copyOf(items), page, size, total == null ? 0 : total);
    }

    @Override
    public void forEach(String modelId, Visitor visitor) throws IOException {
        if (!storable(modelId)) {
            return;
        }
        Feedback last = null;
        while (true) {
            List<Object> args = new ArrayList<>();
            StringBuilder where = new StringBuilder();
            if (modelId != null) {
                where.append(" WHERE model_id = ?");
                args.add(modelId);
            }
            if (last != null) {
                // the row after the last one handed out, in the stored order
                where.append(modelId == null ? " WHERE " : " AND ").append("(" + ORDER + ") > (?, ?, ?)");
                args.add(Timestamp.from(last.createdAt().truncatedTo(ChronoUnit.MICROS)));
                args.add(last.createdAt().getNano());
                args.add(last.id());
            }
            args.add(batch);
            List<Feedback> rows = jdbc.query("SELECT " + COLUMNS + " FROM feedback" + where + " ORDER BY " + ORDER
                    + " LIMIT ?", PostgresFeedbackStore::feedback, args.toArray());
            for (Feedback f : rows) {
                visitor.visit(f);
            }
            if (rows.size() < batch) {
                return;
            }
            last = rows.get(rows.size() - 1);
        }
    }

    /**
     * A value from a URL that PostgreSQL would refuse as a parameter (U+0000): no stored correction has it, so it
     * matches nothing, rather than failing the query with a 500.
     */
    private static boolean storable(String value) {
        return StorableText.problem(value).isEmpty();
    }

    private static Feedback feedback(ResultSet rs, int row) throws SQLException {
        Instant at = Instant.ofEpochSecond(rs.getTimestamp("created_at").toInstant().getEpochSecond(),
                rs.getInt("created_nanos"));
        return new Feedback(rs.getString("id"), at, rs.getString("text"), rs.getString("label"),
                rs.getString("model_id"), rs.getString("predicted_label"));
    }
}
