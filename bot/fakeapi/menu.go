package fakeapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// The bot's own surfaces, kept like Telegram keeps them: command lists per scope
// and language (setMyCommands, deleteMyCommands, getMyCommands) and the
// description and short description per language (setMyDescription,
// getMyDescription, setMyShortDescription, getMyShortDescription). A second
// bot start against the same Server sees what the first one set.

// BotCommand is one entry of a command list.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// menuState is what the bot set of its surfaces.
type menuState struct {
	commands map[string][]BotCommand // ScopeKey + "|" + language code
	desc     map[string]string       // language code -> description
	short    map[string]string       // language code -> short description
}

// Telegram's limits (UTF-16 code units).
const (
	maxDescription      = 512
	maxShortDescription = 120
	maxCommands         = 100
	maxCommandDesc      = 256
)

var (
	commandRE  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	languageRE = regexp.MustCompile(`^[a-z]{2}$`)
)

// ScopeKey names a BotCommandScope as the fake keeps it: "default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<chat_id>", "chat_administrators:<chat_id>", "chat_member:<chat_id>:<user_id>".
// raw is the scope parameter's JSON ("" for none, which is "default").
func ScopeKey(raw string) (string, error) {
	if raw == "" {
		return "default", nil
	}
	var s struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", fmt.Errorf("can't parse BotCommandScope JSON object")
	}
	chat := func() (string, error) {
		var id int64
		if json.Unmarshal(s.ChatID, &id) == nil && id != 0 {
			return strconv.FormatInt(id, 10), nil
		}
		var name string
		if json.Unmarshal(s.ChatID, &name) == nil && name != "" {
			return name, nil
		}
		return "", fmt.Errorf("chat_id is empty")
	}
	switch s.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		return s.Type, nil
	case "chat", "chat_administrators":
		id, err := chat()
		if err != nil {
			return "", err
		}
		return s.Type + ":" + id, nil
	case "chat_member":
		id, err := chat()
		if err != nil {
			return "", err
		}
		if s.UserID <= 0 {
			return "", fmt.Errorf("user not found")
		}
		return fmt.Sprintf("chat_member:%s:%d", id, s.UserID), nil
	default:
		return "", fmt.Errorf("wrong bot command scope type specified")
	}
}

// menuLocked answers the surface methods. s.mu must be held.
func (s *Server) menuLocked(req *Request) result {
	p := req.Params
	lang := p["language_code"]
	if lang != "" && !languageRE.MatchString(lang) {
		return badRequest("invalid language code specified")
	}
	if s.menu.commands == nil {
		s.menu = menuState{commands: map[string][]BotCommand{}, desc: map[string]string{}, short: map[string]string{}}
	}
	switch req.Method {
	case "setMyCommands", "deleteMyCommands", "getMyCommands":
		scope, err := ScopeKey(p["scope"])
		if err != nil {
			return badRequest(err.Error())
		}
		key := scope + "|" + lang
		switch req.Method {
		case "getMyCommands":
			return ok(append([]BotCommand{}, s.menu.commands[key]...))
		case "deleteMyCommands":
			delete(s.menu.commands, key)
			return ok(true)
		}
		var cmds []BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return badRequest("can't parse commands JSON array")
		}
		if len(cmds) > maxCommands {
			return badRequest("too many commands specified")
		}
		for _, c := range cmds {
			if !commandRE.MatchString(c.Command) {
				return badRequest("BOT_COMMAND_INVALID")
			}
			if n := UTF16Len(c.Description); n < 1 || n > maxCommandDesc {
				return badRequest("command description must be 1-256 characters")
			}
		}
		if len(cmds) == 0 {
			delete(s.menu.commands, key)
		} else {
			s.menu.commands[key] = cmds
		}
		return ok(true)
	case "setMyDescription":
		return setText(s.menu.desc, lang, p["description"], maxDescription, "description")
	case "setMyShortDescription":
		return setText(s.menu.short, lang, p["short_description"], maxShortDescription, "short description")
	case "getMyDescription":
		return ok(map[string]string{"description": s.menu.desc[lang]})
	case "getMyShortDescription":
		return ok(map[string]string{"short_description": s.menu.short[lang]})
	}
	return result{status: 404, desc: "Not Found"}
}

func setText(m map[string]string, lang, text string, limit int, what string) result {
	if UTF16Len(text) > limit {
		return badRequest(fmt.Sprintf("bot %s is too long", what))
	}
	if text == "" {
		delete(m, lang)
	} else {
		m[lang] = text
	}
	return ok(true)
}

// Commands returns the command list the bot set for a scope (see ScopeKey) and
// language code ("" for the default), nil when none is set.
func (s *Server) Commands(scope, lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.menu.commands[scope+"|"+lang])
}

// CommandScopes lists the keys ("<scope>|<language code>") that have a command list, sorted.
func (s *Server) CommandScopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.menu.commands {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Description returns the bot description set for a language code ("" for the default).
func (s *Server) Description(lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.menu.desc[lang]
}

// ShortDescription returns the short description set for a language code ("" for the default).
func (s *Server) ShortDescription(lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.menu.short[lang]
}
