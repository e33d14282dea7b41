-- Versions being deleted (model/ActiveVersionPointer#beginDeletion): the pointer's compare-and-set refuses
-- them, so that an activation in one replica and a deletion in another cannot both succeed. They live in the
-- pointer's own row, so that a compare-and-set waiting on the row lock re-checks them on the row as the
-- deletion left it (a separate table would be read from the statement's older snapshot).
ALTER TABLE active_model ADD COLUMN deleting text[] NOT NULL DEFAULT '{}';
