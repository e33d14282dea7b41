-- The active-version pointer of sentiment.queue.type=postgres (model/postgres/PostgresActiveVersionPointer):
-- one row; every change raises the generation and is announced by NOTIFY sentiment_active_model. A job that
-- activates its version moves it in the same transaction that marks the job SUCCEEDED.
CREATE TABLE active_model (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    model_id   text,
    generation bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO active_model (singleton, model_id, generation) VALUES (true, NULL, 0);
