package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/text/language"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// Limits of the settings, from Telegram's rules and from privacy by default.
const (
	MaxBroadcastRate = 30                   // Telegram's bulk limit, messages per second
	MinStateTTL      = time.Hour            // shorter breaks the asking-back dialogue
	MaxStateTTL      = 365 * 24 * time.Hour // storage limitation (DSGVO Art. 5(1)(e))
	MaxConcurrency   = 1000
	MaxOperatorLen   = 500
	MinLockLease     = time.Second     // renewed every third: shorter is all renewal traffic
	MaxLockLease     = 5 * time.Minute // a crashed replica's chats wait this long
	MinReplyMaxAge   = time.Hour       // a reply outlives a long 429 or a Telegram outage
	MaxReplyMaxAge   = 24 * time.Hour  // Telegram drops unconfirmed updates after a day, too
	MaxRedisPoolSize = 10000
)

var (
	tokenRE         = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	webhookSecretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	prefixRE        = regexp.MustCompile(`^[A-Za-z0-9_.:{}-]{1,64}$`)
	hashTagRE       = regexp.MustCompile(`^[^{]*\{[^}]+\}`) // Redis Cluster: the first non-empty {...} picks the slot
	slugRE          = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	quietRE         = regexp.MustCompile(`^(([01][0-9]|2[0-3]):[0-5][0-9])\s*[-–]\s*(([01][0-9]|2[0-3]):[0-5][0-9])$`)
)

func (c *Config) normalise() {
	c.Telegram.APIURL = strings.TrimRight(strings.TrimSpace(c.Telegram.APIURL), "/")
	c.Telegram.Mode = strings.ToLower(strings.TrimSpace(c.Telegram.Mode))
	c.Log.Level = strings.ToLower(strings.TrimSpace(c.Log.Level))
	c.Log.Format = strings.ToLower(strings.TrimSpace(c.Log.Format))
	if strings.EqualFold(strings.TrimSpace(c.OpsListen), "off") {
		c.OpsListen = ""
	}
	c.Operator = strings.TrimSpace(c.Operator)
	c.Redis.SentinelAddrs = trimList(c.Redis.SentinelAddrs)
	c.Redis.ClusterAddrs = trimList(c.Redis.ClusterAddrs)
	c.Languages = trimList(c.Languages)
}

func trimList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validate checks every value that needs nothing outside the configuration.
func (c *Config) validate() problems {
	var p problems
	c.validateTelegram(&p)
	c.validateRedis(&p)
	c.validateRest(&p)
	c.validateStaff(&p)
	c.validateCallbacks(&p)
	return p
}

func (c *Config) validateTelegram(p *problems) {
	t := c.Telegram
	if t.Token.IsSet() && !tokenRE.MatchString(t.Token.Reveal()) {
		// Never echo the value: it may be a real token with a typo.
		p.add("TELEGRAM_BOT_TOKEN", "does not look like a bot token from @BotFather (digits, a colon, then at least 20 of A-Z a-z 0-9 _ -)")
	}
	if err := checkHTTPURL(t.APIURL, false); err != nil {
		p.wrap("TELEGRAM_API_URL (telegram.api_url)", "is not a usable Bot API base URL", err)
	}
	switch t.Mode {
	case ModePolling:
	case ModeWebhook:
		if t.WebhookURL == "" {
			p.add("WEBHOOK_URL (telegram.webhook_url)", "is required when BOT_MODE is webhook: the public https URL Telegram posts updates to")
		}
		if !t.WebhookSecret.IsSet() {
			p.add("WEBHOOK_SECRET", "is required when BOT_MODE is webhook (or WEBHOOK_SECRET_FILE): 1-256 characters of A-Z a-z 0-9 _ -")
		}
		if err := checkListen(t.WebhookListen); err != nil {
			p.wrap("WEBHOOK_LISTEN (telegram.webhook_listen)", "is not a listen address like :8080", err)
		} else if c.OpsListen != "" && samePort(t.WebhookListen, c.OpsListen) {
			p.add("WEBHOOK_LISTEN (telegram.webhook_listen)", "uses the same port as OPS_LISTEN (%s)", c.OpsListen)
		}
	default:
		p.add("BOT_MODE (telegram.mode)", "is %q; use polling or webhook", t.Mode)
	}
	if t.WebhookURL != "" {
		if err := checkHTTPURL(t.WebhookURL, true); err != nil {
			p.wrap("WEBHOOK_URL (telegram.webhook_url)", "is not a public https URL", err)
		}
	}
	if t.WebhookSecret.IsSet() && !webhookSecretRE.MatchString(t.WebhookSecret.Reveal()) {
		p.add("WEBHOOK_SECRET", "must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule for secret_token)")
	}
}

func (c *Config) validateRedis(p *problems) {
	r := c.Redis
	o, err := redis.ParseURL(r.URL)
	if err != nil {
		p.wrap("REDIS_URL (redis.url)", "is not a redis://, rediss:// or unix:// URL", errors.New(redactURL(err.Error(), r.URL)))
	}
	if !prefixRE.MatchString(r.Prefix) {
		p.add("REDIS_PREFIX (redis.prefix)", "is %q; use 1-64 characters of A-Z a-z 0-9 _ . : - { }", r.Prefix)
	} else if len(r.ClusterAddrs) > 0 && strings.Contains(r.Prefix, "{") && !hashTagRE.MatchString(r.Prefix) {
		// Without braces the bot makes the whole prefix the hash tag (KeyPrefix);
		// braces that make no hash tag would spread the keys over the slots.
		p.add("REDIS_PREFIX (redis.prefix)", "is %q; with Redis Cluster its first {...} must be a non-empty hash tag such as {srb}, "+
			"so that all keys a script touches are in one slot (or leave out the braces: the bot then puts the whole prefix in them)", r.Prefix)
	}
	for _, a := range r.SentinelAddrs {
		if err := checkHostPort(a); err != nil {
			p.wrap("REDIS_SENTINEL_ADDRS (redis.sentinel_addrs)", fmt.Sprintf("%q is not host:port", a), err)
		}
	}
	for _, a := range r.ClusterAddrs {
		if err := checkHostPort(a); err != nil {
			p.wrap("REDIS_CLUSTER_ADDRS (redis.cluster_addrs)", fmt.Sprintf("%q is not host:port", a), err)
		}
	}
	switch {
	case len(r.SentinelAddrs) > 0 && len(r.ClusterAddrs) > 0:
		p.add("REDIS_CLUSTER_ADDRS (redis.cluster_addrs)", "is set together with REDIS_SENTINEL_ADDRS; use Sentinel or Cluster, not both")
	case len(r.SentinelAddrs) > 0 && r.SentinelMaster == "":
		p.add("REDIS_SENTINEL_MASTER (redis.sentinel_master)", "is required with REDIS_SENTINEL_ADDRS: the master name the Sentinels monitor")
	case len(r.SentinelAddrs) == 0 && r.SentinelMaster != "":
		p.add("REDIS_SENTINEL_ADDRS (redis.sentinel_addrs)", "is required with REDIS_SENTINEL_MASTER: host:port of the Sentinels, comma-separated")
	case len(r.ClusterAddrs) > 0 && o != nil && o.DB != 0:
		p.add("REDIS_URL (redis.url)", "selects database %d, but Redis Cluster only has database 0", o.DB)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
		max  time.Duration
	}{
		{"REDIS_DIAL_TIMEOUT (redis.dial_timeout)", r.DialTimeout, 30 * time.Second},
		{"REDIS_READ_TIMEOUT (redis.read_timeout)", r.ReadTimeout, 30 * time.Second},
		{"REDIS_WRITE_TIMEOUT (redis.write_timeout)", r.WriteTimeout, 30 * time.Second},
		{"REDIS_POOL_TIMEOUT (redis.pool_timeout)", r.PoolTimeout, time.Minute},
	} {
		if d.v < 10*time.Millisecond || d.v > d.max {
			p.add(d.name, "is %s; use 10ms to %s (a chat bot should fail fast, e.g. 500ms)", d.v, d.max)
		}
	}
	if r.PoolSize < 0 || r.PoolSize > MaxRedisPoolSize {
		p.add("REDIS_POOL_SIZE (redis.pool_size)", "is %d; use 0 (MAX_CONCURRENCY + 16) or 1 to %d", r.PoolSize, MaxRedisPoolSize)
	}
	if r.MaxRetries < 0 || r.MaxRetries > 10 {
		p.add("REDIS_MAX_RETRIES (redis.max_retries)", "is %d; use 0 (no retry) to 10", r.MaxRetries)
	}
}

func (c *Config) validateRest(p *problems) {
	if c.OpsListen != "" {
		if err := checkListen(c.OpsListen); err != nil {
			p.wrap("OPS_LISTEN (ops_listen)", "is not a listen address like 127.0.0.1:9090 (or off)", err)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("LOG_LEVEL (log.level)", "is %q; use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "", FormatJSON, FormatText:
	default:
		p.add("LOG_FORMAT (log.format)", "is %q; use json or text", c.Log.Format)
	}
	if len(c.Operator) > MaxOperatorLen {
		p.add("OPERATOR (operator)", "is %d characters long; at most %d", len(c.Operator), MaxOperatorLen)
	}
	c.validateLanguages(p)
	if c.DirectoryFile != "" {
		if st, err := os.Stat(c.DirectoryFile); err != nil {
			p.wrap("DIRECTORY_FILE (directory_file)", "cannot be read", err)
		} else if !st.Mode().IsRegular() {
			p.add("DIRECTORY_FILE (directory_file)", "%s is not a regular file", c.DirectoryFile)
		}
	}
	if c.StateTTL < MinStateTTL || c.StateTTL > MaxStateTTL {
		p.add("STATE_TTL (state_ttl)", "is %s; use between %s and %s (e.g. 720h for 30 days)", c.StateTTL, MinStateTTL, MaxStateTTL)
	}
	if c.MaxConcurrency < 1 || c.MaxConcurrency > MaxConcurrency {
		p.add("MAX_CONCURRENCY (max_concurrency)", "is %d; use 1 to %d", c.MaxConcurrency, MaxConcurrency)
	}
	if c.LockLease < MinLockLease || c.LockLease > MaxLockLease {
		p.add("LOCK_LEASE (lock_lease)", "is %s; use %s to %s (it is renewed every third while held)", c.LockLease, MinLockLease, MaxLockLease)
	}
	if c.ReplyMaxAge < MinReplyMaxAge || c.ReplyMaxAge > MaxReplyMaxAge {
		p.add("REPLY_MAX_AGE (reply_max_age)", "is %s; use %s to %s", c.ReplyMaxAge, MinReplyMaxAge, MaxReplyMaxAge)
	}
	b := c.Broadcast
	if !(b.Rate > 0 && b.Rate <= MaxBroadcastRate) { // also rejects NaN
		p.add("BROADCAST_RATE (broadcast.rate)", "is %v messages per second; use more than 0 and at most %d (Telegram's limit)", b.Rate, MaxBroadcastRate)
	}
	if b.PerChatInterval < time.Second || b.PerChatInterval > time.Hour {
		p.add("BROADCAST_PER_CHAT_INTERVAL (broadcast.per_chat_interval)", "is %s; use 1s to 1h (Telegram allows about one message per second into one chat)", b.PerChatInterval)
	}
	if b.MaxAttempts < 1 || b.MaxAttempts > 20 {
		p.add("BROADCAST_MAX_ATTEMPTS (broadcast.max_attempts)", "is %d; use 1 to 20", b.MaxAttempts)
	}
	if q := strings.TrimSpace(b.QuietHours); !strings.EqualFold(q, "off") {
		m := quietRE.FindStringSubmatch(q)
		switch {
		case m == nil:
			p.add("BROADCAST_QUIET_HOURS (broadcast.quiet_hours)", "is %q; use FROM-TO in 24-hour time (Europe/Berlin), e.g. 20:00-08:00, or off", b.QuietHours)
		case m[1] == m[3]:
			p.add("BROADCAST_QUIET_HOURS (broadcast.quiet_hours)", "is %q: start and end are the same; use off for no quiet hours", b.QuietHours)
		}
	}
	if b.ClaimIdle < time.Second || b.ClaimIdle > 5*time.Minute {
		p.add("BROADCAST_CLAIM_IDLE (broadcast.claim_idle)", "is %s; use 1s to 5m (how soon a dead worker's deliveries are taken over)", b.ClaimIdle)
	}
}

func (c *Config) validateLanguages(p *problems) {
	const name = "LANGUAGES (languages)"
	if len(c.Languages) == 0 {
		p.add(name, "is empty; list at least de")
		return
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range c.Languages {
		tag, err := language.Parse(l)
		if err != nil {
			p.wrap(name, fmt.Sprintf("%q is not a language tag like de or uk", l), err)
			continue
		}
		s := tag.String()
		if base, _ := tag.Base(); !slices.Contains(i18n.Supported(), base.String()) {
			p.add(name, "%q has no message catalogue; available: %s", l, strings.Join(i18n.Supported(), ", "))
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if !seen["de"] && len(out) == len(c.Languages) {
		p.add(name, "must include de, the language every text exists in")
	}
	c.Languages = out
}

func (c *Config) validateStaff(p *problems) {
	seen := map[int64]int{}
	for i, s := range c.Staff {
		at := fmt.Sprintf("staff[%d]", i)
		if s.UserID <= 0 {
			p.add(at+".user_id", "is %d; give the member's numeric Telegram user id (positive)", s.UserID)
		} else if j, dup := seen[s.UserID]; dup {
			p.add(at+".user_id", "%d is listed twice (also staff[%d])", s.UserID, j)
		} else {
			seen[s.UserID] = i
		}
		switch {
		case s.All && len(s.Districts) > 0:
			p.add(at, "has both all: true and districts; use one")
		case !s.All && len(s.Districts) == 0:
			p.add(at, "has neither all: true nor districts; staff must be allowed at least one district")
		}
		for _, d := range s.Districts {
			if !slugRE.MatchString(d) {
				p.add(at+".districts", "%q is not a district id like walsrode", d)
			}
		}
		if len(s.Name) > 100 {
			p.add(at+".name", "is longer than 100 characters")
		}
	}
}

// CheckServe checks what only running the bot needs: a token, an operator for
// /datenschutz. Load does not, so `config`, `chat` and `lookup` work without them.
func (c Config) CheckServe() error {
	var p problems
	if !c.Telegram.Token.IsSet() {
		p.add("TELEGRAM_BOT_TOKEN", "is required to run the bot (or TELEGRAM_BOT_TOKEN_FILE); get one from @BotFather")
	}
	if c.Operator == "" {
		p.add("OPERATOR (operator)", "is required to run the bot: who runs it, named by /datenschutz as the controller (DSGVO Art. 13)")
	}
	return p.err()
}

// CheckDistricts checks the staff's districts and the callback routes against
// the ids of the loaded directory (which may come from DIRECTORY_FILE, so the
// valid set is a parameter).
func (c Config) CheckDistricts(valid []string) error {
	var p problems
	for i, s := range c.Staff {
		for _, d := range s.Districts {
			if !slices.Contains(valid, d) {
				p.add(fmt.Sprintf("staff[%d].districts", i), "%q is not a district of the directory; known: %s", d, strings.Join(valid, ", "))
			}
		}
	}
	c.checkCallbackRoutes(valid, &p)
	return p.err()
}

func checkHTTPURL(raw string, public bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch {
	case public && u.Scheme != "https":
		return fmt.Errorf("scheme is %q; Telegram only posts to https", u.Scheme)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("scheme is %q; use https:// (or http:// for a local Bot API server)", u.Scheme)
	case u.Host == "":
		return errors.New("no host")
	case u.User != nil:
		return errors.New("must not contain user or password")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not contain a query or fragment")
	}
	return nil
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" {
		return errors.New("no host")
	}
	return checkPort(port)
}

func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	return checkPort(port)
}

func checkPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a port number 1-65535", port)
	}
	return nil
}

func samePort(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || pa != pb {
		return false
	}
	wild := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wild(ha) || wild(hb)
}
