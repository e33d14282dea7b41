-- The rollout state of the scale-out mode (rollout/postgres/PostgresRolloutStore): one row holding the shadow
-- version, the canary and its decision, and the recent rollout events, as JSON. Every change raises the
-- generation (a compare-and-set on it), so that replicas that poll it see each decision once and the same.
CREATE TABLE rollout_state (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL DEFAULT 0,
    state      text NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO rollout_state (singleton, generation, state) VALUES (true, 0, '{}');
