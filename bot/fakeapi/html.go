package fakeapi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrHTML is wrapped by every error of CheckHTML.
var ErrHTML = errors.New("invalid Telegram HTML")

// allowedTags are the tags of Telegram's HTML parse mode, with the attributes each accepts.
var allowedTags = map[string]map[string]bool{
	"b": {}, "strong": {}, "i": {}, "em": {}, "u": {}, "ins": {}, "s": {}, "strike": {}, "del": {},
	"tg-spoiler": {}, "span": {"class": true}, "a": {"href": true}, "tg-emoji": {"emoji-id": true},
	"code": {"class": true}, "pre": {}, "blockquote": {"expandable": true},
}

// namedEntities are the only named HTML entities Telegram understands.
var namedEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// CheckHTML validates text as Telegram parse mode HTML, as strictly as the Bot API
// (or stricter): only Telegram's tags with their attributes, properly nested and
// closed, every <, > and & outside tags written as an entity, only the entities
// &lt; &gt; &amp; &quot; and numeric ones. It returns the plain text Telegram would
// show (tags removed, entities decoded).
func CheckHTML(text string) (plain string, err error) {
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: text is not valid UTF-8", ErrHTML)
	}
	var out strings.Builder
	var stack []string
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("%w: unclosed start tag at byte offset %d", ErrHTML, i)
			}
			tag := text[i+1 : i+end]
			var err error
			stack, err = applyTag(stack, tag, i)
			if err != nil {
				return "", err
			}
			i += end + 1
		case '>':
			return "", fmt.Errorf("%w: unescaped '>' at byte offset %d", ErrHTML, i)
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 0 || end > 10 {
				return "", fmt.Errorf("%w: unescaped '&' at byte offset %d", ErrHTML, i)
			}
			s, err := decodeEntity(text[i+1 : i+end])
			if err != nil {
				return "", fmt.Errorf("%w at byte offset %d", err, i)
			}
			out.WriteString(s)
			i += end + 1
		default:
			out.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("%w: unclosed tag <%s>", ErrHTML, stack[len(stack)-1])
	}
	return out.String(), nil
}

func applyTag(stack []string, tag string, at int) ([]string, error) {
	if strings.HasPrefix(tag, "/") {
		name := strings.ToLower(strings.TrimSpace(tag[1:]))
		if len(stack) == 0 || stack[len(stack)-1] != name {
			return nil, fmt.Errorf("%w: unexpected end tag </%s> at byte offset %d", ErrHTML, name, at)
		}
		return stack[:len(stack)-1], nil
	}
	name, attrs, err := parseTag(tag)
	if err != nil {
		return nil, fmt.Errorf("%w at byte offset %d", err, at)
	}
	allowed, ok := allowedTags[name]
	if !ok {
		return nil, fmt.Errorf("%w: unsupported start tag %q at byte offset %d", ErrHTML, name, at)
	}
	for k, v := range attrs {
		if !allowed[k] {
			return nil, fmt.Errorf("%w: attribute %q not allowed in <%s>", ErrHTML, k, name)
		}
		if name == "span" && v != "tg-spoiler" {
			return nil, fmt.Errorf("%w: <span> needs class=\"tg-spoiler\"", ErrHTML)
		}
	}
	switch name {
	case "a":
		if attrs["href"] == "" {
			return nil, fmt.Errorf("%w: <a> without href", ErrHTML)
		}
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return nil, fmt.Errorf("%w: <span> needs class=\"tg-spoiler\"", ErrHTML)
		}
	}
	for _, open := range stack {
		if open == "pre" && name != "code" || open == "code" {
			return nil, fmt.Errorf("%w: <%s> inside <%s>", ErrHTML, name, open)
		}
		if open == name && name == "a" {
			return nil, fmt.Errorf("%w: nested <a>", ErrHTML)
		}
	}
	return append(stack, name), nil
}

// parseTag splits `a href="x"` into its lower-cased name and attributes.
func parseTag(tag string) (string, map[string]string, error) {
	tag = strings.TrimSpace(tag)
	n := strings.IndexAny(tag, " \t\n")
	if n < 0 {
		n = len(tag)
	}
	name := strings.ToLower(tag[:n])
	if name == "" {
		return "", nil, fmt.Errorf("%w: empty tag", ErrHTML)
	}
	attrs := map[string]string{}
	rest := strings.TrimSpace(tag[n:])
	for rest != "" {
		eq := strings.IndexAny(rest, "= \t\n")
		if eq < 0 || rest[eq] != '=' {
			key := rest
			if eq >= 0 {
				key = rest[:eq]
			}
			attrs[strings.ToLower(key)] = ""
			if eq < 0 {
				break
			}
			rest = strings.TrimSpace(rest[eq:])
			continue
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimSpace(rest[eq+1:])
		var val string
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				return "", nil, fmt.Errorf("%w: unclosed attribute value in <%s>", ErrHTML, name)
			}
			val, rest = rest[1:end+1], rest[end+2:]
		} else {
			sp := strings.IndexAny(rest, " \t\n")
			if sp < 0 {
				sp = len(rest)
			}
			val, rest = rest[:sp], rest[sp:]
		}
		if strings.ContainsAny(val, "<>") {
			return "", nil, fmt.Errorf("%w: '<' or '>' in attribute value", ErrHTML)
		}
		decoded, err := decodeAttr(val)
		if err != nil {
			return "", nil, err
		}
		attrs[key] = decoded
		rest = strings.TrimSpace(rest)
	}
	return name, attrs, nil
}

func decodeAttr(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] != '&' {
			b.WriteByte(v[i])
			i++
			continue
		}
		end := strings.IndexByte(v[i:], ';')
		if end < 0 {
			return "", fmt.Errorf("%w: unescaped '&' in attribute value", ErrHTML)
		}
		s, err := decodeEntity(v[i+1 : i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		i += end + 1
	}
	return b.String(), nil
}

func decodeEntity(name string) (string, error) {
	if s, ok := namedEntities[name]; ok {
		return s, nil
	}
	if strings.HasPrefix(name, "#") {
		num, base := name[1:], 10
		if strings.HasPrefix(num, "x") || strings.HasPrefix(num, "X") {
			num, base = num[1:], 16
		}
		n, err := strconv.ParseUint(num, base, 32)
		if err == nil && n > 0 && n <= utf8.MaxRune {
			return string(rune(n)), nil
		}
	}
	return "", fmt.Errorf("%w: unsupported entity &%s;", ErrHTML, name)
}

// UTF16Len is the length of s in UTF-16 code units, the unit of Telegram's text limits.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
