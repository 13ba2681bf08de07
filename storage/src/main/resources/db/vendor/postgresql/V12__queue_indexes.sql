-- The shared queue's hot queries read only the few queued or running rows, never the finished history: a claim
-- takes the oldest queued job of the least recently served user, and every claim first settles expired leases.
-- Without these partial indexes both scanned every generation ever made, so a claim slowed down as history grew.
CREATE INDEX generations_queued_by_user ON generations (user_id, queued_at, id) WHERE status = 'queued';
CREATE INDEX generations_running_lease ON generations (lease_expires_at) WHERE status = 'running';
