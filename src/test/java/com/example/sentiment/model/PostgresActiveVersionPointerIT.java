package com.example.sentiment.model;

import com.example.sentiment.TestPostgres;
import com.example.sentiment.model.postgres.PostgresActiveVersionPointer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The scale-out mode's pointer (one row in PostgreSQL, announced by NOTIFY) against the contract, on a private
 * cluster ({@link TestPostgres}). Here, beside the contract, as the other adapters' tests are.
 */
class PostgresActiveVersionPointerIT extends ActiveVersionPointerContract {

    private final List<PostgresActiveVersionPointer> opened = new ArrayList<>();
    private TestPostgres postgres;

    @BeforeEach
    void emptyDatabase() {
        postgres = TestPostgres.get();
        postgres.reset();
    }

    @AfterEach
    void close() {
        opened.forEach(PostgresActiveVersionPointer::close);
    }

    @Override
    protected ActiveVersionPointer pointer() {
        PostgresActiveVersionPointer pointer = postgres.pointer();
        opened.add(pointer);
        return pointer;
    }

    @Override
    protected ActiveVersionPointer another() {
        return pointer();
    }
}
