package fakeapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Shown is a message as the chat shows it now: the text (HTML, as the bot sent
// it) of its last successful sendMessage or editMessageText, and its inline
// keyboard (reply_markup; "" when it has none).
type Shown struct {
	Text   string
	Markup string
	Edits  int // successful edits after it was sent
}

// Shown returns the messages of a chat by message id as they look now, after
// every recorded edit: what a member of the chat sees.
func (s *Server) Shown(chatID int64) map[int]Shown {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]Shown{}
	for _, r := range s.reqs {
		if r.ChatID != chatID || r.Status != http.StatusOK {
			continue
		}
		switch r.Method {
		case "sendMessage":
			var m struct {
				MessageID int `json:"message_id"`
			}
			if json.Unmarshal(r.Result, &m) == nil {
				out[m.MessageID] = Shown{Text: r.Params["text"], Markup: inlineMarkup(r.Params["reply_markup"])}
			}
		case "editMessageText":
			id, _ := strconv.Atoi(r.Params["message_id"])
			prev := out[id]
			// An edit without reply_markup removes the inline keyboard.
			out[id] = Shown{Text: r.Params["text"], Markup: inlineMarkup(r.Params["reply_markup"]), Edits: prev.Edits + 1}
		case "deleteMessage":
			id, _ := strconv.Atoi(r.Params["message_id"])
			delete(out, id)
		}
	}
	return out
}

// inlineMarkup is the markup if it is an inline keyboard, else "".
func inlineMarkup(raw string) string {
	var m struct {
		InlineKeyboard json.RawMessage `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(raw), &m) != nil || len(m.InlineKeyboard) == 0 {
		return ""
	}
	return raw
}
