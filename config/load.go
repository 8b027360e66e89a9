package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
	"github.com/goccy/go-yaml"
)

// secretFiles are the *_FILE variants of the secrets: each holds a path, and the
// env library reads the file's content into the field.
type secretFiles struct {
	Token         string `env:"TELEGRAM_BOT_TOKEN_FILE,file"`
	RedisPassword string `env:"REDIS_PASSWORD_FILE,file"`
	WebhookSecret string `env:"WEBHOOK_SECRET_FILE,file"`
}

// Sources say where a setting's effective value came from.
const (
	SourceDefault = "default"
	SourceFile    = "file"
	SourceEnv     = "env"
	SourceFlag    = "flag"
)

// LoadFlags loads the configuration: defaults, then the YAML file, then the
// environment (getenv), then the flags that were given (f may be nil). It
// validates every value and returns all problems at once, joined; each is a
// *SettingError. An environment variable set to "" counts as not set.
func LoadFlags(getenv func(string) string, f *Flags) (Config, error) {
	cfg := Defaults()
	var files secretFiles
	settings := settingsOf(&cfg)
	fileSettings := settingsOf(&files)

	environ := map[string]string{}
	source := map[string]string{}
	for _, s := range append(settings, fileSettings...) {
		if v := getenv(s.Env); v != "" {
			environ[s.Env] = v
			source[s.Env] = SourceEnv
		}
	}
	if f != nil {
		for k, v := range f.given {
			if v != "" {
				environ[k] = v
				source[k] = SourceFlag
			}
		}
	}

	var p problems
	if path := environ["SOZIALRAUMBOT_CONFIG"]; path != "" {
		before := snapshot(settings)
		if err := readFile(path, &cfg); err != nil {
			p = append(p, err)
		}
		for i, s := range settings {
			if _, ok := source[s.Env]; !ok && s.format() != before[i] {
				source[s.Env] = SourceFile
			}
		}
	}

	if err := env.ParseWithOptions(&cfg, env.Options{Environment: environ}); err != nil {
		p = append(p, envProblems(err, settings)...)
	}
	unreadable := map[string]bool{}
	if err := env.ParseWithOptions(&files, env.Options{Environment: environ}); err != nil {
		fp := envProblems(err, fileSettings)
		for _, e := range fp {
			var se *SettingError
			if errors.As(e, &se) {
				unreadable[se.Setting] = true
			}
		}
		p = append(p, fp...)
	}
	mergeSecret(&p, &cfg.Telegram.Token, files.Token, "TELEGRAM_BOT_TOKEN", environ, unreadable)
	mergeSecret(&p, &cfg.Redis.Password, files.RedisPassword, "REDIS_PASSWORD", environ, unreadable)
	mergeSecret(&p, &cfg.Telegram.WebhookSecret, files.WebhookSecret, "WEBHOOK_SECRET", environ, unreadable)
	for _, k := range []string{"TELEGRAM_BOT_TOKEN", "REDIS_PASSWORD", "WEBHOOK_SECRET"} {
		if source[k+"_FILE"] != "" {
			source[k] = source[k+"_FILE"] + " (" + k + "_FILE)"
		}
	}
	for _, s := range settings {
		if source[s.Env] == "" {
			source[s.Env] = SourceDefault
		}
	}
	if len(cfg.Staff) > 0 {
		source["staff"] = SourceFile
	}
	if len(cfg.Callbacks.Routes) > 0 {
		source["callbacks.routes"] = SourceFile
	}
	cfg.sources = source

	cfg.normalise()
	p = append(p, cfg.validate()...)
	return cfg, p.err()
}

func snapshot(settings []setting) []string {
	out := make([]string, len(settings))
	for i, s := range settings {
		out[i] = s.format()
	}
	return out
}

// readFile decodes the YAML file strictly (unknown keys are errors) over cfg.
func readFile(path string, cfg *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &SettingError{Setting: "SOZIALRAUMBOT_CONFIG", Problem: "cannot read the configuration file", Err: err}
	}
	if err := decodeYAML(data, cfg); err != nil {
		return &SettingError{
			Setting: "SOZIALRAUMBOT_CONFIG",
			Problem: fmt.Sprintf("%s is not a valid configuration file:\n%s", path, yaml.FormatError(err, false, true)),
		}
	}
	return nil
}

// decodeYAML decodes data strictly into cfg. The YAML library panics on some
// malformed input (found by FuzzLoad: "staff:\n ! #0…"); such a panic becomes an
// error, so a broken file is reported, never a crash.
func decodeYAML(data []byte, cfg *Config) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML parser failed on this input: %v", p)
		}
	}()
	return yaml.UnmarshalWithOptions(data, cfg, yaml.Strict())
}

// envProblems turns the env library's errors into SettingErrors naming the variable.
func envProblems(err error, settings []setting) problems {
	byField := map[string]setting{}
	for _, s := range settings {
		byField[s.Field] = s
	}
	var agg env.AggregateError
	errs := []error{err}
	if errors.As(err, &agg) {
		errs = agg.Errors
	}
	var p problems
	for _, e := range errs {
		var pe env.ParseError
		var fe env.LoadFileContentError
		switch {
		case errors.As(e, &pe):
			s, ok := byField[pe.Name]
			name := pe.Name
			if ok {
				name = s.name()
			}
			p.wrap(name, "is not a valid "+typeWord(pe.Type), unwrapParse(pe.Err))
		case errors.As(e, &fe):
			p.wrap(fe.Key, "cannot read the file it names", fe.Err)
		default:
			p.wrap("environment", "cannot be read", e)
		}
	}
	return p
}

// unwrapParse drops strconv's echo of the input where possible: the input may be a secret.
func unwrapParse(err error) error {
	var ne interface{ Unwrap() error }
	if errors.As(err, &ne) && ne.Unwrap() != nil {
		return ne.Unwrap()
	}
	return err
}

func typeWord(t reflect.Type) string {
	switch t.String() {
	case "time.Duration":
		return "duration (e.g. 720h, 90s)"
	case "int", "int64":
		return "whole number"
	case "float64":
		return "number"
	}
	return t.String()
}

// mergeSecret takes a secret from its *_FILE variant; setting both is an error.
func mergeSecret(p *problems, dst *Secret, fromFile, key string, environ map[string]string, unreadable map[string]bool) {
	if environ[key+"_FILE"] == "" || unreadable[key+"_FILE"] {
		return
	}
	if environ[key] != "" {
		p.add(key+"_FILE", "is set together with %s; set only one of them", key)
		return
	}
	v := strings.TrimSpace(fromFile)
	if v == "" {
		p.add(key+"_FILE", "names an empty file")
		return
	}
	*dst = Secret(v)
}
