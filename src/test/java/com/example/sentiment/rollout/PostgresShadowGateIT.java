package com.example.sentiment.rollout;

import com.example.sentiment.TestPostgres;
import com.example.sentiment.rollout.postgres.PostgresRolloutStore;
import org.junit.jupiter.api.BeforeEach;

/** {@link ShadowGateTest} with the replicas sharing the scale-out mode's store (PostgreSQL) instead of a file. */
class PostgresShadowGateIT extends ShadowGateTest {

    private TestPostgres postgres;

    @BeforeEach
    void emptyDatabase() {
        postgres = TestPostgres.get();
        postgres.reset();
    }

    @Override
    protected RolloutStore store() {
        return new PostgresRolloutStore(postgres.dataSource());
    }
}
