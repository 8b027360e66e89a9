package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"text/tabwriter"
)

// Masked renders the effective configuration for `sozialraumbot config`: every
// setting with its environment variable, value and source, then the staff list.
// Secrets and the password in REDIS_URL are masked; the bot token keeps its
// public bot id before the colon, so operators can tell which bot it is.
func (c Config) Masked() string {
	var b strings.Builder
	fmt.Fprintln(&b, "# Effective configuration of sozialraumbot (secrets masked)")
	if c.File != "" {
		fmt.Fprintf(&b, "# file: %s\n", c.File)
	}
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, s := range settingsOf(&c) {
		v := s.format()
		switch s.Env {
		case "TELEGRAM_BOT_TOKEN":
			v = maskToken(c.Telegram.Token)
		case "REDIS_URL":
			v = redactURL(v, v)
		case "OPS_LISTEN":
			if v == "" {
				v = "off"
			}
		case "LOG_FORMAT":
			if v == "" {
				v = "(json for serve, text for chat)"
			}
		}
		if v == "" {
			v = "(not set)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Env, v, c.Source(s.Env))
	}
	_ = tw.Flush()
	fmt.Fprintln(&b)
	if len(c.Staff) == 0 {
		fmt.Fprintln(&b, "staff: none (announcements are switched off)")
	} else {
		fmt.Fprintf(&b, "staff (%d, from the file):\n", len(c.Staff))
	}
	for _, s := range c.Staff {
		scope := strings.Join(s.Districts, ", ")
		if s.All {
			scope = "all districts"
		}
		name := ""
		if s.Name != "" {
			name = " " + s.Name
		}
		fmt.Fprintf(&b, "  - %d%s: %s\n", s.UserID, name, scope)
	}
	c.maskedRoutes(&b)
	return b.String()
}

// maskedRoutes lists where each district's callback requests go.
func (c Config) maskedRoutes(b *strings.Builder) {
	if len(c.Callbacks.Routes) == 0 {
		fmt.Fprintln(b, "callbacks.routes: none (callback requests are switched off)")
		return
	}
	fmt.Fprintf(b, "callbacks.routes (%d, from the file):\n", len(c.Callbacks.Routes))
	for _, r := range c.Callbacks.Routes {
		to := fmt.Sprintf("group %d", r.ChatID)
		if r.Staff {
			to = "the district's staff, privately"
		}
		fmt.Fprintf(b, "  - %s: %s\n", r.District, to)
	}
}

// String is Masked, so printing a Config by accident reveals no secret.
func (c Config) String() string { return c.Masked() }

func maskToken(t Secret) string {
	if !t.IsSet() {
		return ""
	}
	if id, _, ok := strings.Cut(t.Reveal(), ":"); ok && id != "" && len(id) <= 20 {
		return id + ":" + masked
	}
	return masked
}

// userinfoRE finds the password of a URL even where url.Parse fails (and then
// echoes the URL in its error).
var userinfoRE = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)

// redactURL replaces the password of the URL raw, wherever it occurs in s, and
// any other URL password in s.
func redactURL(s, raw string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}xxxxx@")
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return s
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return s
	}
	s = strings.ReplaceAll(s, raw, u.Redacted())
	return strings.ReplaceAll(s, pw, "xxxxx")
}

// GoString is Masked too, for %#v.
func (c Config) GoString() string { return c.Masked() }

// String shows the Redis settings with the password in URL masked.
func (r Redis) String() string {
	r.URL = redactURL(r.URL, r.URL)
	type plain Redis // drops the methods, so Sprintf does not recurse
	return fmt.Sprintf("%+v", plain(r))
}

// GoString is String, for %#v.
func (r Redis) GoString() string { return r.String() }

// LogValue is String, so that no slog handler logs the password in URL.
func (r Redis) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue is Masked, so that no slog handler logs a secret of the configuration.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.Masked()) }
