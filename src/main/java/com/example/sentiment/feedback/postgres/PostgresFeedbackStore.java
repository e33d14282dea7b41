package com.example.sentiment.feedback.postgres;

import com.example.sentiment.feedback.Feedback;
import com.example.sentiment.feedback.FeedbackPage;
import com.example.sentiment.feedback.FeedbackStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Corrections in PostgreSQL ({@code sentiment.queue.type=postgres}; schema {@code db/migration/V3__feedback.sql}),
 * so that every serving replica records into, and every worker trains on, the same set. A correction is durable
 * once its insert has committed, which {@link #save} waits for. The file-system adapter stays the default.
 */
@Component
@ConditionalOnProperty(name = "sentiment.queue.type", havingValue = "postgres")
public class PostgresFeedbackStore implements FeedbackStore {

    private static final String COLUMNS = "id, created_at, created_nanos, text, label, model_id, predicted_label";
    private static final String ORDER = "created_at, created_nanos, id";
    private static final String NEWEST_FIRST = "created_at DESC, created_nanos DESC, id DESC";

    private final JdbcTemplate jdbc;

    /** @param postgresDataSource the pool of {@code sentiment.postgres}, its schema migrated */
    public PostgresFeedbackStore(DataSource postgresDataSource) {
        this.jdbc = new JdbcTemplate(postgresDataSource);
    }

    @Override
    public void save(Feedback feedback) {
        Instant at = feedback.createdAt();
        // the column keeps microseconds; created_nanos gives the instant back exactly
        jdbc.update("INSERT INTO feedback (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", feedback.id(),
                Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)), at.getNano(), feedback.text(), feedback.label(),
                feedback.modelId(), feedback.predictedLabel());
    }

    @Override
    public Optional<Feedback> find(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM feedback WHERE id = ?", PostgresFeedbackStore::feedback, id)
                .stream().findFirst();
    }

    @Override
    public FeedbackPage page(int page, int size, String modelId) {
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
    public List<Feedback> all() {
        return List.copyOf(jdbc.query("SELECT " + COLUMNS + " FROM feedback ORDER BY " + ORDER,
                PostgresFeedbackStore::feedback));
    }

    private static Feedback feedback(ResultSet rs, int row) throws SQLException {
        Instant at = Instant.ofEpochSecond(rs.getTimestamp("created_at").toInstant().getEpochSecond(),
                rs.getInt("created_nanos"));
        return new Feedback(rs.getString("id"), at, rs.getString("text"), rs.getString("label"),
                rs.getString("model_id"), rs.getString("predicted_label"));
    }
}
