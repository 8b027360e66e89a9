package config

import "strings"

// KeyPrefix is the prefix every Redis key of the bot starts with: Prefix as
// given, except with Redis Cluster when Prefix holds no brace at all. Then it is
// Prefix in braces ("srb" becomes "{srb}"), a hash tag: Redis Cluster places
// every key of the bot in the slot of that tag. That is required, not a choice:
// the bot's Lua scripts and MULTI transactions touch keys of many chats at
// once (the inbox's pending set, the district sets, a broadcast's queue) and
// build some key names inside Lua, so all of them must live on one node. A
// Prefix that already holds a hash tag ("heide:{srb}") is kept as it is.
func (r Redis) KeyPrefix() string {
	if len(r.ClusterAddrs) > 0 && !strings.Contains(r.Prefix, "{") {
		return "{" + r.Prefix + "}"
	}
	return r.Prefix
}
