-- When a finished generation's result reached its reply target, so one finished just before a crash is delivered
-- after the restart instead of being lost.

ALTER TABLE generations ADD COLUMN delivered_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX generations_undelivered ON generations (delivered_at, finished_at);
