-- Channels: a recipient is a channel and an external id, and a run is sent
-- per channel. Each delivery row records the channel it goes out on (frozen
-- with the audience, so one batch holds one channel's recipients), and a
-- channel is any well-formed name: adding one needs no migration.

-- +goose Up
-- Rows written before channels existed were all Telegram's; the default
-- fills them without rewriting the table (a constant default is metadata).
ALTER TABLE deliveries ADD COLUMN channel text NOT NULL DEFAULT 'telegram'
    CHECK (channel ~ '^[a-z][a-z0-9_]{1,31}$');

ALTER TABLE subscribers DROP CONSTRAINT subscribers_channel_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_channel_check CHECK (channel ~ '^[a-z][a-z0-9_]{1,31}$');

-- +goose Down
ALTER TABLE subscribers DROP CONSTRAINT subscribers_channel_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_channel_check CHECK (channel IN ('telegram', 'zalo'));
ALTER TABLE deliveries DROP COLUMN channel;
