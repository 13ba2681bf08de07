-- Rate limits shared by every frontend of a cluster (issue 18): one row per user and limit, holding Bucket4j's
-- serialized token bucket. PostgreSQL only: on the embedded H2 file one process keeps its buckets in memory.
-- expires_at (milliseconds since the epoch, by the storage's clock) is when the bucket is full again; a row past it
-- says nothing a fresh bucket would not, and is deleted.
CREATE TABLE rate_buckets (
    id          VARCHAR(512) PRIMARY KEY,
    state       BYTEA,
    expires_at  BIGINT DEFAULT 0 NOT NULL
);
CREATE INDEX rate_buckets_expiry ON rate_buckets (expires_at);
