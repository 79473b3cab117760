package zalo

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Deduper remembers which message_ids were handled, so that a retried
// delivery is answered once.
type Deduper interface {
	// First marks id and reports whether this is the first time it is seen.
	First(ctx context.Context, id string) (bool, error)
	// Forget unmarks id, so a redelivery after a failed handling is handled.
	Forget(ctx context.Context, id string) error
}

// MemoryDeduper is an LRU of the last n message ids: bounded memory, for a
// single process (long polling, one `loa web`).
type MemoryDeduper struct {
	mu    sync.Mutex
	n     int
	order *list.List // front: most recent
	seen  map[string]*list.Element
}

// NewMemoryDeduper keeps the last n ids (n < 1 means 10000).
func NewMemoryDeduper(n int) *MemoryDeduper {
	if n < 1 {
		n = 10000
	}
	return &MemoryDeduper{n: n, order: list.New(), seen: make(map[string]*list.Element, n)}
}

// First implements Deduper.
func (d *MemoryDeduper) First(_ context.Context, id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.seen[id]; ok {
		d.order.MoveToFront(el)
		return false, nil
	}
	d.seen[id] = d.order.PushFront(id)
	if d.order.Len() > d.n {
		old := d.order.Back()
		d.order.Remove(old)
		delete(d.seen, old.Value.(string))
	}
	return true, nil
}

// Forget implements Deduper.
func (d *MemoryDeduper) Forget(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.seen[id]; ok {
		d.order.Remove(el)
		delete(d.seen, id)
	}
	return nil
}

// Len is how many ids are remembered.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// RedisDeduper marks ids with SET NX and a TTL, shared by every process
// behind one webhook. Keys hold the message id only, no personal data.
type RedisDeduper struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewRedisDeduper keys ids under prefix ("" = "loa:zalo:seen:") for ttl
// (0 = 24 h, longer than the platform is known to retry).
func NewRedisDeduper(rdb redis.UniversalClient, prefix string, ttl time.Duration) *RedisDeduper {
	if prefix == "" {
		prefix = "loa:zalo:seen:"
	}
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &RedisDeduper{rdb: rdb, prefix: prefix, ttl: ttl}
}

// First implements Deduper.
func (d *RedisDeduper) First(ctx context.Context, id string) (bool, error) {
	ok, err := d.rdb.SetNX(ctx, d.prefix+id, 1, d.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("zalo: dedupe: %w", err)
	}
	return ok, nil
}

// Forget implements Deduper.
func (d *RedisDeduper) Forget(ctx context.Context, id string) error {
	if err := d.rdb.Del(ctx, d.prefix+id).Err(); err != nil {
		return fmt.Errorf("zalo: dedupe: %w", err)
	}
	return nil
}
