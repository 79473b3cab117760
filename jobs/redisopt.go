package jobs

import (
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// AsynqRedisOpt gives Asynq the same Redis as a go-redis client (Asynq
// takes connection options, not a client).
func AsynqRedisOpt(o *redis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Network: o.Network, Addr: o.Addr, Username: o.Username, Password: o.Password,
		DB: o.DB, TLSConfig: o.TLSConfig}
}
