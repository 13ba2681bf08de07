-- Many nodes on one PostgreSQL (issue 18): what the shared queue and the images need. PostgreSQL only: the
-- embedded H2 file serves one process, whose queue lives in memory and whose images are files.

-- Images where every node reaches them, content-addressed; used when the database is PostgreSQL.
CREATE TABLE image_blobs (
    sha256      CHAR(64) PRIMARY KEY,
    size_bytes  BIGINT NOT NULL,
    data        BYTEA NOT NULL
);

-- A claimed generation is leased to one worker until lease_expires_at; its heartbeat moves that on. A cancel asked
-- on any node is seen by the worker that runs it.
ALTER TABLE generations ADD COLUMN lease_owner VARCHAR(128);
ALTER TABLE generations ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE generations ADD COLUMN cancel_requested BOOLEAN DEFAULT FALSE NOT NULL;

-- Fairness across the cluster: the user served least recently goes first (0 = never served).
ALTER TABLE users ADD COLUMN served_order BIGINT DEFAULT 0 NOT NULL;
CREATE SEQUENCE served_order_seq;

-- The nodes of a cluster, their role and last sign of life.
CREATE TABLE nodes (
    name            VARCHAR(128) PRIMARY KEY,
    node_role       VARCHAR(16) NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    jobs_done       BIGINT DEFAULT 0 NOT NULL
);
