-- Classification jobs of the scale-out mode (classificationjob/PostgresClassificationJobRecords): the records,
-- and who runs which job under a lease. The uploaded files and the results are in the object store.
-- "record" is the job as its runner last wrote it (JSON); the columns beside it are what claims and lists
-- decide on.

-- grows with every claim: a runner's write names the token of its claim, and one whose job was claimed again
-- since then matches no row
CREATE SEQUENCE classification_job_fencing;

CREATE TABLE classification_jobs (
    id            text PRIMARY KEY,
    created_at    timestamptz NOT NULL,
    state         text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    fencing_token bigint NOT NULL DEFAULT 0,
    worker        text,
    lease_until   timestamptz,
    claims        integer NOT NULL DEFAULT 0,
    record        text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- what a claim looks at: jobs that have not ended, oldest first
CREATE INDEX classification_jobs_unfinished ON classification_jobs (created_at) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX classification_jobs_created ON classification_jobs (created_at);
