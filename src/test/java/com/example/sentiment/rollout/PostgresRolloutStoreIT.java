package com.example.sentiment.rollout;

import com.example.sentiment.TestPostgres;
import com.example.sentiment.rollout.postgres.PostgresRolloutStore;
import org.junit.jupiter.api.BeforeEach;

/** The scale-out mode's rollout store (one row in PostgreSQL) against the contract, on a private cluster. */
class PostgresRolloutStoreIT extends RolloutStoreContract {

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

    @Override
    protected RolloutStore another() {
        return store();
    }
}
