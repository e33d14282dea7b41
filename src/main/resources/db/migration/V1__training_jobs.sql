-- Training jobs of sentiment.queue.type=postgres (training/PostgresTrainingJobQueue).
-- The columns are what the queue decides on; "view" is the job as its worker last recorded it (progress,
-- metrics, history, dataset report, promotion), shown with the columns laid over it.

-- grows with every claim: a worker's write names the token of its claim, and one whose job was claimed again
-- since then matches no row
CREATE SEQUENCE training_job_fencing;

CREATE TABLE training_jobs (
    id               text PRIMARY KEY,
    created_at       timestamptz NOT NULL,
    state            text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    attempts         integer NOT NULL DEFAULT 0,
    fencing_token    bigint NOT NULL DEFAULT 0,
    worker           text,
    lease_until      timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    started_at       timestamptz,
    finished_at      timestamptz,
    error            text,
    model_id         text,
    config           json NOT NULL,
    view             json NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- what a claim looks at: waiting jobs and running ones whose lease may have run out, oldest first
CREATE INDEX training_jobs_unfinished ON training_jobs (created_at) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX training_jobs_created ON training_jobs (created_at);

-- the uploaded files, until the job ends: the replica that accepted the upload stores them, the worker reads them
CREATE TABLE training_job_files (
    job_id   text NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    part     text NOT NULL CHECK (part IN ('data', 'validation')),
    filename text,
    size     bigint NOT NULL,
    chunks   integer NOT NULL,
    PRIMARY KEY (job_id, part)
);

-- in pieces of 1 MiB, so that neither side holds a whole upload in memory
CREATE TABLE training_job_chunks (
    job_id text NOT NULL,
    part   text NOT NULL,
    seq    integer NOT NULL,
    bytes  bytea NOT NULL,
    PRIMARY KEY (job_id, part, seq),
    FOREIGN KEY (job_id, part) REFERENCES training_job_files (job_id, part) ON DELETE CASCADE
);
