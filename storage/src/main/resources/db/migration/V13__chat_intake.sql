-- How far a chat platform's stream of updates (Telegram's update ids) has been handled, per bot account, so a
-- restart asks only for what came after: nothing a user sent is lost with a crash, and nothing handled is handled
-- again after a graceful stop.
CREATE TABLE chat_intake (
    platform         VARCHAR(32) NOT NULL,
    account          VARCHAR(64) NOT NULL,
    handled_through  BIGINT NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (platform, account)
);
