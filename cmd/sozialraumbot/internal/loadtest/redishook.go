package loadtest

import (
	"context"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCounter is a go-redis hook that counts commands and network round trips
// (a pipeline or transaction is one round trip). Add it to the bot's client with
// AddHook before the load starts.
type RedisCounter struct {
	commands   atomic.Int64
	roundTrips atomic.Int64
	errors     atomic.Int64

	mu     sync.Mutex
	byName map[string]int64 // commands by name ("pipeline" counts pipelines)
}

func (c *RedisCounter) count(name string) {
	c.mu.Lock()
	if c.byName == nil {
		c.byName = map[string]int64{}
	}
	c.byName[name]++
	c.mu.Unlock()
}

// ByName returns the commands counted so far by name; pipelines and
// transactions are counted as "pipeline" besides their commands, failed single
// commands also as "error:<name>".
func (c *RedisCounter) ByName() map[string]int64 {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.byName)
}

var _ redis.Hook = (*RedisCounter)(nil)

// DialHook passes dials through.
func (c *RedisCounter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return next(ctx, network, addr)
	}
}

// ProcessHook counts one command and one round trip.
func (c *RedisCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.commands.Add(1)
		c.roundTrips.Add(1)
		c.count(cmd.Name())
		err := next(ctx, cmd)
		if err != nil && err != redis.Nil {
			c.errors.Add(1)
			c.count("error:" + cmd.Name())
		}
		return err
	}
}

// ProcessPipelineHook counts the pipeline's commands and one round trip.
func (c *RedisCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.commands.Add(int64(len(cmds)))
		c.roundTrips.Add(1)
		c.count("pipeline")
		for _, cmd := range cmds {
			c.count(cmd.Name())
		}
		err := next(ctx, cmds)
		if err != nil && err != redis.Nil && !connectionSetup(cmds) {
			c.errors.Add(1)
			c.count("error:pipeline")
		}
		return err
	}
}

// connectionSetup reports whether cmds are go-redis's own connection handshake
// (CLIENT SETINFO, HELLO), whose errors on older servers go-redis ignores.
func connectionSetup(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if n := c.Name(); n != "client" && n != "hello" {
			return false
		}
	}
	return true
}

// RedisCounts are the counters at one moment.
type RedisCounts struct {
	Commands, RoundTrips, Errors int64
}

// Counts returns the counters so far.
func (c *RedisCounter) Counts() RedisCounts {
	if c == nil {
		return RedisCounts{}
	}
	return RedisCounts{Commands: c.commands.Load(), RoundTrips: c.roundTrips.Load(), Errors: c.errors.Load()}
}

// CommandStats reads how many commands the Redis server has executed, by
// name, from INFO commandstats: unlike the hook it also counts the commands a
// Lua script runs, and those of every other client of that server.
func CommandStats(ctx context.Context, c redis.UniversalClient) (map[string]int64, error) {
	info, err := c.Info(ctx, "commandstats").Result()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, line := range strings.Split(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		name, isCmd := strings.CutPrefix(name, "cmdstat_")
		if !ok || !isCmd {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(rest, "calls="), ",")
		if n, err := strconv.ParseInt(calls, 10, 64); err == nil {
			out[name] = n
		}
	}
	return out, nil
}

// ServerCPU reads the CPU time (user and system) the Redis server has used so
// far, from INFO cpu.
func ServerCPU(ctx context.Context, c redis.UniversalClient) (time.Duration, error) {
	info, err := c.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("INFO cpu: %s: %w", k, err)
			}
			total += f
		}
	}
	return time.Duration(total * float64(time.Second)), nil
}
