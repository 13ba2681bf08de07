-- Defaults a user or a channel chose for new requests; a null column means "no preference".

CREATE TABLE user_settings (
    user_id          BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sampler          VARCHAR(32),
    steps            INTEGER,
    width            INTEGER,
    height           INTEGER,
    negative_prompt  VARCHAR(10000),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE channel_settings (
    platform         VARCHAR(32) NOT NULL,
    channel_id       VARCHAR(64) NOT NULL,
    sampler          VARCHAR(32),
    steps            INTEGER,
    width            INTEGER,
    height           INTEGER,
    negative_prompt  VARCHAR(10000),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (platform, channel_id)
);
