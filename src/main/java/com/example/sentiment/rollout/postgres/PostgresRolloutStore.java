package com.example.sentiment.rollout.postgres;

import com.example.sentiment.ConditionalOnPostgres;
import com.example.sentiment.rollout.RolloutJson;
import com.example.sentiment.rollout.RolloutState;
import com.example.sentiment.rollout.RolloutStore;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rollout state in PostgreSQL ({@code sentiment.storage.pointer=postgres}, which follows
 * {@code sentiment.queue.type} when unset): the one row of {@code rollout_state}
 * (schema {@code db/migration/V5__rollout.sql}). The compare-and-set is one {@code UPDATE ... WHERE generation = ?},
 * ordered by the row lock, so of two replicas deciding at once exactly one wins.
 */
@Component
@ConditionalOnPostgres("sentiment.storage.pointer")
public class PostgresRolloutStore implements RolloutStore {

    private final JdbcTemplate jdbc;

    /** @param postgresDataSource the pool of the job queue and the pointer */
    public PostgresRolloutStore(DataSource postgresDataSource) {
        this.jdbc = new JdbcTemplate(postgresDataSource);
    }

    @Override
    public Versioned current() {
        return jdbc.query("SELECT state, generation FROM rollout_state",
                (rs, n) -> new Versioned(RolloutJson.read(rs.getString(1)), rs.getLong(2))).stream()
                .findFirst().orElse(new Versioned(RolloutState.EMPTY, 0));
    }

    @Override
    public Optional<Versioned> compareAndSet(long expectedGeneration, RolloutState next) {
        return jdbc.query("UPDATE rollout_state SET state = ?, generation = generation + 1, updated_at = now() "
                        + "WHERE generation = ? RETURNING generation",
                (rs, n) -> new Versioned(next, rs.getLong(1)), RolloutJson.write(next), expectedGeneration)
                .stream().findFirst();
    }
}
