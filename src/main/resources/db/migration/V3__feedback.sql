-- Corrections of sentiment.queue.type=postgres (feedback/postgres/PostgresFeedbackStore), shared by every replica.
CREATE TABLE feedback (
    id              text PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    -- timestamptz keeps microseconds; the instant is given back exactly as it was stored
    created_nanos   integer NOT NULL CHECK (created_nanos BETWEEN 0 AND 999999999),
    text            text NOT NULL,
    label           text NOT NULL,
    model_id        text,
    predicted_label text
);

CREATE INDEX feedback_order ON feedback (created_at, created_nanos, id);
CREATE INDEX feedback_by_model ON feedback (model_id, created_at, created_nanos, id);
