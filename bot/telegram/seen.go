package telegram

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Seen remembers which update_ids were handled.
type Seen interface {
	// First marks id and reports whether this is the first time it is seen.
	First(ctx context.Context, updateID int64) (bool, error)
}

// RedisSeen marks update_ids with SET NX and a TTL in Redis, shared by every
// web and bot process. Keys hold the update id only, no personal data.
type RedisSeen struct {
	R   redis.UniversalClient
	TTL time.Duration // 0: 24 hours, longer than Telegram keeps an update
}

// First implements Seen.
func (s RedisSeen) First(ctx context.Context, updateID int64) (bool, error) {
	ttl := s.TTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	ok, err := s.R.SetNX(ctx, "loa:telegram:update:"+strconv.FormatInt(updateID, 10), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("telegram: update dedupe: %w", err)
	}
	return ok, nil
}
