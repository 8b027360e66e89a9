package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// setting is one scalar or list setting that has an environment variable.
type setting struct {
	Env   string        // environment variable, e.g. "REDIS_URL"
	YAML  string        // path in the YAML file, e.g. "redis.url"; "" when not in the file
	Field string        // Go field name, as env.ParseError reports it
	value reflect.Value // the field in the walked struct
}

// settingsOf lists the env-tagged fields of *Config (or another struct pointer), in
// declaration order.
func settingsOf(v any) []setting {
	var out []setting
	walk(reflect.ValueOf(v).Elem(), "", &out)
	return out
}

func walk(v reflect.Value, yamlPrefix string, out *[]setting) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		y, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		path := ""
		if y != "" && y != "-" {
			path = yamlPrefix + y
		}
		envKey, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if f.Type.Kind() == reflect.Struct && envKey == "" {
			walk(v.Field(i), path+".", out)
			continue
		}
		if envKey == "" || envKey == "-" {
			continue
		}
		*out = append(*out, setting{Env: envKey, YAML: path, Field: f.Name, value: v.Field(i)})
	}
}

// format renders a setting's value for printing (secrets are masked by Secret).
func (s setting) format() string {
	switch x := s.value.Interface().(type) {
	case Secret:
		return x.String()
	case time.Duration:
		return x.String()
	case []string:
		return strings.Join(x, ",")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// name is how error messages name the setting: its variable and, when it can also
// be set in the file, its YAML path.
func (s setting) name() string {
	if s.YAML == "" {
		return s.Env
	}
	return s.Env + " (" + s.YAML + ")"
}
