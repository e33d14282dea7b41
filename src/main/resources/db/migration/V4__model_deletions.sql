-- Versions being deleted (model/ActiveVersionPointer#beginDeletion): the pointer's compare-and-set refuses
-- them, so that an activation in one replica and a deletion in another cannot both succeed. A row is added in
-- the statement that raises active_model.generation (so that a racing compare-and-set fails) and removed when
-- the deletion is over.
CREATE TABLE model_deletions (
    model_id text PRIMARY KEY,
    since    timestamptz NOT NULL DEFAULT now()
);
