package conv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Conversations remembers where a resident is in a multi-step exchange.
// Several bot processes may serve the same resident, so it lives in Redis.
// The user is "<channel>:<external id>".
type Conversations interface {
	Get(ctx context.Context, user string) (State, error)
	Set(ctx context.Context, user string, s State) error
	Clear(ctx context.Context, user string) error
}

// State is one resident's pending step.
type State struct {
	// Step is "" (nothing pending) or StepLocality (the next text is a place).
	Step string `json:"step"`
	// Former maps offered locality ids to the former unit the resident typed,
	// so the confirmation can say "since 1/7/2025 Hàng Bạc belongs to…".
	Former map[int64]Former `json:"former,omitempty"`
	// Choices are the data of the numbered choices last offered on a channel
	// without buttons: the resident's "2" is Choices[1].
	Choices []string `json:"choices,omitempty"`
}

// Former is a former unit name and how it matched (store.Via*).
type Former struct {
	Name string `json:"name"`
	Via  string `json:"via"`
}

// StepLocality: waiting for the resident to type where they live.
const StepLocality = "locality"

// RedisConversations keeps states under loa:conv:<channel>:<user> with a
// TTL, so an abandoned step expires by itself.
type RedisConversations struct {
	R   *redis.Client
	TTL time.Duration
}

func (c RedisConversations) key(user string) string { return "loa:conv:" + user }

// Get returns the state, empty when none is pending.
func (c RedisConversations) Get(ctx context.Context, user string) (State, error) {
	var s State
	raw, err := c.R.Get(ctx, c.key(user)).Bytes()
	if errors.Is(err, redis.Nil) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("conversation of %s: %w", user, err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return State{}, nil // a state from an older version: start over
	}
	return s, nil
}

// Set stores the state for TTL.
func (c RedisConversations) Set(ctx context.Context, user string, s State) error {
	raw, _ := json.Marshal(s)
	ttl := c.TTL
	if ttl <= 0 {
		ttl = 15 * time.Minute
	}
	if err := c.R.Set(ctx, c.key(user), raw, ttl).Err(); err != nil {
		return fmt.Errorf("save conversation of %s: %w", user, err)
	}
	return nil
}

// Clear drops the state.
func (c RedisConversations) Clear(ctx context.Context, user string) error {
	if err := c.R.Del(ctx, c.key(user)).Err(); err != nil {
		return fmt.Errorf("clear conversation of %s: %w", user, err)
	}
	return nil
}
