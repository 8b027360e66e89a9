package config

import (
	"flag"
	"fmt"
	"io"
)

// flagDef maps a command-line flag to the environment variable it overrides.
type flagDef struct{ name, env, usage string }

var flagDefs = []flagDef{
	{"config", "SOZIALRAUMBOT_CONFIG", "YAML configuration `file`"},
	{"log-level", "LOG_LEVEL", "log `level`: debug, info, warn or error"},
	{"log-format", "LOG_FORMAT", "log `format`: json or text"},
	{"mode", "BOT_MODE", "how updates arrive: polling or webhook"},
	{"ops-listen", "OPS_LISTEN", "`address` of /healthz, /readyz and /metrics, or off"},
	{"directory", "DIRECTORY_FILE", "directory data `file` replacing the embedded one"},
	{"redis-url", "REDIS_URL", "Redis `URL`"},
}

// Flags holds the configuration flags given on a command line. Only flags that
// were given override the environment.
type Flags struct {
	given map[string]string // env key -> value
}

// AddFlags registers the configuration flags (-config, -log-level, -log-format,
// -mode, -ops-listen, -directory, -redis-url) on fs, next to a subcommand's own
// flags. Pass the result to LoadFlags after fs.Parse.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{given: map[string]string{}}
	for _, d := range flagDefs {
		fs.Func(d.name, d.usage+" (overrides "+d.env+")", func(v string) error {
			f.given[d.env] = v
			return nil
		})
	}
	return f
}

// Load parses args (the subcommand's flags; no positional arguments) and loads
// the configuration with getenv (os.Getenv, or a map in tests). Errors in args
// wrap flag.ErrHelp for -h.
func Load(getenv func(string) string, args []string) (Config, error) {
	fs := flag.NewFlagSet("sozialraumbot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("command line: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("command line: unexpected argument %q", fs.Arg(0))
	}
	return LoadFlags(getenv, f)
}

// PrintFlags writes the configuration flags and their meaning to w, for a
// subcommand's -h (Load itself prints nothing).
func PrintFlags(w io.Writer) {
	fs := flag.NewFlagSet("sozialraumbot", flag.ContinueOnError)
	fs.SetOutput(w)
	AddFlags(fs)
	fs.PrintDefaults()
}
