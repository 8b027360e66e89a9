package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// result is how the server answers one request.
type result struct {
	status     int // 0: drop the connection
	desc       string
	retryAfter int
	result     json.RawMessage
	poll       *pollRequest // getUpdates: wait for updates
}

func ok(v any) result {
	b, err := json.Marshal(v)
	if err != nil {
		return badRequest("internal fake error: " + err.Error())
	}
	return result{status: http.StatusOK, result: b}
}

func badRequest(desc string) result {
	return result{status: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

// decide answers a request, apart from the waiting of long polls.
func (s *Server) decide(r *http.Request, req *Request, perr error) result {
	if perr != nil {
		return badRequest(perr.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && req.Token != s.token {
		return result{status: http.StatusUnauthorized, desc: "Unauthorized"}
	}
	if f := s.takeFaultLocked(req); f != nil {
		return faultResult(f)
	}
	p := req.Params
	switch req.Method {
	case "getMe":
		return ok(s.botUserLocked(req.Token))
	case "getChatMember":
		return s.getChatMemberLocked(req)
	case "getUpdates":
		return s.getUpdatesLocked(p)
	case "setWebhook":
		if p["url"] == "" {
			return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
		}
		if sec, ok := p["secret_token"]; ok && !validSecret.MatchString(sec) {
			return badRequest("secret token contains unallowed characters")
		}
		s.webhookURL, s.webhookSec = p["url"], p["secret_token"]
		if p["drop_pending_updates"] == "true" {
			s.updates.Drop()
		}
		return ok(true)
	case "deleteWebhook":
		s.webhookURL, s.webhookSec = "", ""
		if p["drop_pending_updates"] == "true" {
			s.updates.Drop()
		}
		return ok(true)
	case "getWebhookInfo":
		return ok(map[string]any{"url": s.webhookURL, "has_custom_certificate": false, "pending_update_count": s.updates.Pending()})
	case "sendMessage", "editMessageText":
		return s.sendMessageLocked(req)
	case "sendContact":
		return s.sendContactLocked(req)
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			return badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		if UTF16Len(p["text"]) > 200 {
			return badRequest("MESSAGE_TOO_LONG")
		}
		return ok(true)
	case "answerInlineQuery":
		return answerInline(p)
	case "setMyCommands", "deleteMyCommands", "getMyCommands", "setMyDescription", "setMyShortDescription",
		"getMyDescription", "getMyShortDescription":
		return s.menuLocked(req)
	case "sendPhoto", "sendDocument":
		return s.sendMediaLocked(req)
	case "sendVenue":
		return s.sendVenueLocked(req)
	case "editMessageCaption", "editMessageMedia":
		return s.editMediaLocked(req)
	case "deleteMessage":
		return s.deleteLocked(req)
	case "sendChatAction", "logOut", "close", "editMessageReplyMarkup":
		if needsChat(req.Method) && p["chat_id"] == "" {
			return badRequest("chat_id is empty")
		}
		if m := p["reply_markup"]; m != "" {
			if err := checkMarkup(m); err != nil {
				return badRequest(err.Error())
			}
		}
		return ok(true)
	case "sendLocation":
		if p["chat_id"] == "" {
			return badRequest("chat_id is empty")
		}
		return ok(s.messageLocked(req.ChatID, req.Token, map[string]any{
			"location": map[string]any{"latitude": num(p["latitude"]), "longitude": num(p["longitude"])},
		}))
	default:
		return result{status: http.StatusNotFound, desc: "Not Found"}
	}
}

func needsChat(method string) bool {
	return method == "sendChatAction" || method == "deleteMessage" || method == "editMessageReplyMarkup"
}

func num(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

var validSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) botUserLocked(token string) map[string]any {
	id, _ := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if id == 0 {
		id = 1
	}
	return map[string]any{
		"id": id, "is_bot": true, "first_name": "Sozialraumbot Test", "username": s.username,
		"can_join_groups": true, "supports_inline_queries": true,
	}
}

// messageLocked builds a sent Message with the next message_id of the chat.
func (s *Server) messageLocked(chatID int64, token string, extra map[string]any) map[string]any {
	s.msgIDs[chatID]++
	chatType := "private"
	if chatID < 0 {
		chatType = "supergroup"
	}
	m := map[string]any{
		"message_id": s.msgIDs[chatID],
		"from":       s.botUserLocked(token),
		"chat":       map[string]any{"id": chatID, "type": chatType},
		"date":       time.Now().Unix(),
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (s *Server) sendMessageLocked(req *Request) result {
	p := req.Params
	if p["chat_id"] == "" && p["inline_message_id"] == "" {
		return badRequest("chat_id is empty")
	}
	plain, err := checkText(p["text"], p["parse_mode"])
	if err != nil {
		return badRequest(err.Error())
	}
	if m := p["reply_markup"]; m != "" {
		if err := checkMarkup(m); err != nil {
			return badRequest(err.Error())
		}
		if req.ChatID < 0 && asksForUserData(m) {
			// request_contact and request_location work in private chats only.
			return badRequest("BUTTON_TYPE_INVALID: a keyboard button requesting contact or location is only allowed in private chats")
		}
	}
	if req.Method == "editMessageText" {
		if p["message_id"] == "" && p["inline_message_id"] == "" {
			return badRequest("message identifier is not specified")
		}
		id, _ := strconv.Atoi(p["message_id"])
		if p["inline_message_id"] == "" && !s.existsLocked(req.ChatID, id) {
			return badRequest("message to edit not found")
		}
		return ok(map[string]any{"message_id": id, "chat": map[string]any{"id": req.ChatID, "type": "private"},
			"date": time.Now().Unix(), "edit_date": time.Now().Unix(), "text": plain})
	}
	return ok(s.messageLocked(req.ChatID, req.Token, map[string]any{"text": plain}))
}

// checkText validates a message text for its parse mode and returns the plain text.
func checkText(text, parseMode string) (string, error) {
	plain := text
	switch strings.ToLower(parseMode) {
	case "html":
		var err error
		if plain, err = CheckHTML(text); err != nil {
			return "", fmt.Errorf("can't parse entities: %w", err)
		}
	case "", "markdown", "markdownv2":
	default:
		return "", fmt.Errorf("unsupported parse_mode %q", parseMode)
	}
	if strings.TrimSpace(plain) == "" {
		return "", fmt.Errorf("message text is empty")
	}
	if UTF16Len(plain) > 4096 {
		return "", fmt.Errorf("message is too long")
	}
	return plain, nil
}

func (s *Server) sendContactLocked(req *Request) result {
	p := req.Params
	if p["chat_id"] == "" {
		return badRequest("chat_id is empty")
	}
	if err := checkContact(p["phone_number"], p["first_name"], p["vcard"]); err != nil {
		return badRequest(err.Error())
	}
	if m := p["reply_markup"]; m != "" {
		if err := checkMarkup(m); err != nil {
			return badRequest(err.Error())
		}
	}
	contact := map[string]any{"phone_number": p["phone_number"], "first_name": p["first_name"]}
	if p["last_name"] != "" {
		contact["last_name"] = p["last_name"]
	}
	if p["vcard"] != "" {
		contact["vcard"] = p["vcard"]
	}
	return ok(s.messageLocked(req.ChatID, req.Token, map[string]any{"contact": contact}))
}

func checkContact(phone, firstName, vcard string) error {
	switch {
	case phone == "":
		return fmt.Errorf("phone number is empty")
	case firstName == "":
		return fmt.Errorf("contact first name is empty")
	case len(vcard) > 2048:
		return fmt.Errorf("VCARD_INVALID: vcard is longer than 2048 bytes")
	}
	return nil
}

// checkMarkup validates reply_markup JSON like Telegram does for the parts the product uses.
func checkMarkup(raw string) error {
	var m struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
		Keyboard       [][]json.RawMessage            `json:"keyboard"`
		RemoveKeyboard *bool                          `json:"remove_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			var text string
			if json.Unmarshal(b["text"], &text) != nil || text == "" {
				return fmt.Errorf("BUTTON_TEXT_INVALID")
			}
			if ct, ok := b["copy_text"]; ok {
				var c struct{ Text string }
				if json.Unmarshal(ct, &c) != nil || c.Text == "" {
					return fmt.Errorf("BUTTON_COPY_TEXT_INVALID")
				}
			}
			kinds := 0
			for k, v := range b {
				switch k {
				case "callback_data":
					var d string
					if json.Unmarshal(v, &d) != nil || len(d) < 1 || len(d) > 64 {
						return fmt.Errorf("BUTTON_DATA_INVALID")
					}
					kinds++
				case "url":
					var u string
					if json.Unmarshal(v, &u) != nil || !(strings.HasPrefix(u, "https://") ||
						strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "tg://")) {
						return fmt.Errorf("BUTTON_URL_INVALID")
					}
					kinds++
				case "text":
				default:
					kinds++
				}
			}
			if kinds != 1 {
				return fmt.Errorf("can't parse inline keyboard button: exactly one of the optional fields must be used")
			}
		}
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			var s string
			if json.Unmarshal(b, &s) == nil {
				continue
			}
			var btn struct {
				Text            string
				RequestContact  *bool `json:"request_contact"`
				RequestLocation *bool `json:"request_location"`
			}
			if json.Unmarshal(b, &btn) != nil || btn.Text == "" {
				return fmt.Errorf("keyboard button text is empty")
			}
			if btn.RequestContact != nil && btn.RequestLocation != nil {
				return fmt.Errorf("can't parse keyboard button: at most one of the optional fields may be used")
			}
		}
	}
	return nil
}

// asksForUserData reports whether a reply keyboard asks for the user's phone
// number or location.
func asksForUserData(raw string) bool {
	var m struct {
		Keyboard [][]struct {
			RequestContact  bool `json:"request_contact"`
			RequestLocation bool `json:"request_location"`
		} `json:"keyboard"`
	}
	if json.Unmarshal([]byte(raw), &m) != nil {
		return false
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.RequestContact || b.RequestLocation {
				return true
			}
		}
	}
	return false
}

func answerInline(p map[string]string) result {
	if p["inline_query_id"] == "" {
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	var results []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(p["results"]), &results); err != nil {
		return badRequest("can't parse inline query results JSON object")
	}
	if len(results) > 50 {
		return badRequest("RESULTS_TOO_MUCH")
	}
	seen := map[string]bool{}
	for _, r := range results {
		var typ, id string
		_ = json.Unmarshal(r["type"], &typ)
		_ = json.Unmarshal(r["id"], &id)
		if id == "" || len(id) > 64 {
			return badRequest("RESULT_ID_INVALID")
		}
		if seen[id] {
			return badRequest("RESULT_ID_DUPLICATE")
		}
		seen[id] = true
		if raw, ok := r["reply_markup"]; ok {
			if err := checkMarkup(string(raw)); err != nil {
				return badRequest(err.Error())
			}
		}
		switch typ {
		case "contact":
			var c struct {
				Phone     string `json:"phone_number"`
				FirstName string `json:"first_name"`
				VCard     string `json:"vcard"`
			}
			_ = json.Unmarshal(mustJSON(r), &c)
			if err := checkContact(c.Phone, c.FirstName, c.VCard); err != nil {
				return badRequest(err.Error())
			}
		case "article":
			var a struct {
				Title   string `json:"title"`
				Content *struct {
					Text      string `json:"message_text"`
					ParseMode string `json:"parse_mode"`
				} `json:"input_message_content"`
			}
			_ = json.Unmarshal(mustJSON(r), &a)
			if a.Title == "" {
				return badRequest("RESULT_TITLE_EMPTY")
			}
			if a.Content == nil {
				return badRequest("input_message_content is missing")
			}
			if _, err := checkText(a.Content.Text, a.Content.ParseMode); err != nil {
				return badRequest(err.Error())
			}
		default:
			return badRequest(fmt.Sprintf("unsupported inline query result type %q", typ))
		}
	}
	return ok(true)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
