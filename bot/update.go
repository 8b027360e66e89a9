package bot

import (
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Kinds of updates, as counted in the metrics.
const (
	kindMessage  = "message"
	kindLocation = "location"
	kindCallback = "callback"
	kindInline   = "inline"
	kindContact  = "contact"       // a shared contact card (its content is not handed on)
	kindJoined   = "joined"        // the bot was added to a group
	kindOther    = "other_message" // a message without text or location (sticker, photo, ...)
	kindIgnored  = "ignored"       // not for the bot: group chatter, service messages, edits, channel posts, ...
)

// identity is who the bot is on Telegram (getMe): what group members address.
type identity struct {
	id       int64
	username string // without "@"
}

// mapped is an update translated for the conversation.
type mapped struct {
	update handlers.Update
	kind   string
	// key orders updates: all updates with one key are handled one after another,
	// in arrival order ("c<chat id>" for chats, "u<user id>" for inline queries).
	key string
}

// mapUpdate translates a Telegram update; ok is false for updates the bot
// ignores (counted as kindIgnored): everything in a group that is not meant for
// the bot (see forUs), service messages, edits, channel posts, messages posted
// through the bot's own inline mode, and member updates other than the bot
// being added to a group.
func mapUpdate(u *models.Update, me identity) (m mapped, ok bool) {
	m.update.ID = u.ID
	m.kind = kindIgnored
	switch {
	case u.Message != nil:
		return mapMessage(m, u.Message, me)
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		m.kind = kindCallback
		m.update.User = handlers.User{ID: cq.From.ID, LanguageCode: cq.From.LanguageCode, FirstName: cq.From.FirstName}
		cb := &handlers.Callback{ID: cq.ID, Data: cq.Data}
		var chat *models.Chat
		switch {
		case cq.Message.Message != nil:
			chat = &cq.Message.Message.Chat
			cb.MessageID = cq.Message.Message.ID
		case cq.Message.InaccessibleMessage != nil:
			chat = &cq.Message.InaccessibleMessage.Chat
			cb.MessageID = cq.Message.InaccessibleMessage.MessageID
		}
		if chat != nil {
			m.update.ChatID = chat.ID
			m.update.Private, m.update.Group = chat.Type == models.ChatTypePrivate, isGroup(chat.Type)
		}
		m.update.Callback = cb
		if m.update.ChatID != 0 {
			m.key = chatKey(m.update.ChatID)
		} else {
			m.key = userKey(cq.From.ID) // a button under an inline message
		}
		return m, true
	case u.InlineQuery != nil:
		iq := u.InlineQuery
		m.kind = kindInline
		if iq.From != nil {
			m.update.User = handlers.User{ID: iq.From.ID, LanguageCode: iq.From.LanguageCode}
		}
		m.update.Inline = &handlers.InlineQuery{ID: iq.ID, Query: iq.Query}
		m.key = userKey(m.update.User.ID)
		return m, true
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if !isGroup(cm.Chat.Type) || !isOut(cm.OldChatMember) || isOut(cm.NewChatMember) {
			return m, false // removed, promoted, a private chat blocked or unblocked, a channel
		}
		m.kind = kindJoined
		m.update.ChatID, m.update.Group, m.update.Joined = cm.Chat.ID, true, true
		m.update.User = handlers.User{ID: cm.From.ID, LanguageCode: cm.From.LanguageCode}
		m.key = chatKey(cm.Chat.ID)
		return m, true
	}
	return m, false
}

// mapMessage translates a message in a private chat or a group.
func mapMessage(m mapped, msg *models.Message, me identity) (mapped, bool) {
	group := isGroup(msg.Chat.Type)
	switch {
	case msg.Chat.Type != models.ChatTypePrivate && !group: // a channel's message
		return m, false
	case isService(msg):
		return m, false
	case msg.ViaBot != nil && msg.ViaBot.ID == me.id && me.id != 0:
		return m, false // the bot's own answer card, posted through inline mode
	}
	text := msg.Text
	if text == "" {
		text = msg.Caption
	}
	asChat := msg.SenderChat != nil && msg.SenderChat.ID == msg.Chat.ID
	if group {
		var meant bool
		if text, meant = forUs(msg, text, asChat, me); !meant {
			return m, false
		}
	}
	m.key = chatKey(msg.Chat.ID)
	m.update.ChatID = msg.Chat.ID
	m.update.Private, m.update.Group, m.update.AsChat = !group, group, asChat
	if msg.From != nil {
		m.update.User = handlers.User{ID: msg.From.ID, LanguageCode: msg.From.LanguageCode, FirstName: msg.From.FirstName}
	}
	switch {
	case msg.Location != nil:
		m.kind = kindLocation
		m.update.Location = &handlers.Location{Lat: msg.Location.Latitude, Lon: msg.Location.Longitude}
	case msg.Venue != nil:
		m.kind = kindLocation
		m.update.Location = &handlers.Location{Lat: msg.Venue.Location.Latitude, Lon: msg.Venue.Location.Longitude}
		m.update.Venue = &handlers.Venue{Lat: msg.Venue.Location.Latitude, Lon: msg.Venue.Location.Longitude,
			Title: msg.Venue.Title, Address: msg.Venue.Address}
	case len(msg.Photo) > 0:
		// The largest size; Telegram keeps the file, the bot only its file_id.
		p := msg.Photo[len(msg.Photo)-1]
		m.kind = kindMessage
		m.update.Text = text
		m.update.Media = &handlers.Media{Kind: handlers.MediaPhoto, FileID: p.FileID, Size: int64(p.FileSize), Width: p.Width}
	case msg.Document != nil:
		m.kind = kindMessage
		m.update.Text = text
		m.update.Media = &handlers.Media{Kind: handlers.MediaDocument, FileID: msg.Document.FileID,
			Name: msg.Document.FileName, Size: msg.Document.FileSize, Mime: msg.Document.MimeType}
	case msg.Contact != nil:
		// Someone else's card goes on without name and number. The sender's own
		// card (Telegram's contact user_id is the sender's id: shared with the
		// request_contact button, or the own card picked by hand) carries its
		// number and first name, for a callback request the parent asked for.
		m.kind = kindContact
		own := msg.From != nil && msg.Contact.UserID != 0 && msg.Contact.UserID == msg.From.ID
		m.update.Contact = &handlers.SharedContact{Own: own}
		if own && !group {
			m.update.Contact.Phone, m.update.Contact.FirstName = msg.Contact.PhoneNumber, msg.Contact.FirstName
		}
	case text != "":
		m.kind = kindMessage
		m.update.Text = text
	default:
		// Stickers, voice messages, videos: handed on with empty text so the
		// conversation can say what it understands (never silently dropped).
		m.kind = kindOther
	}
	return m, true
}

// forUs decides whether a group message is meant for the bot, and returns its
// text without the mention of the bot. Meant are: a command without addressee
// or addressed to the bot ("/hilfe", "/hilfe@ourbot", never "/hilfe@otherbot"),
// a message that mentions the bot ("@ourbot Dorfmark"), and a reply to one of
// the bot's messages. Other bots' messages and automatic forwards from a linked
// channel are never meant.
func forUs(msg *models.Message, text string, asChat bool, me identity) (string, bool) {
	if msg.IsAutomaticForward || (msg.From != nil && msg.From.IsBot && !asChat) {
		return text, false
	}
	if to, ok := commandAddressee(text); ok {
		return text, to == "" || (me.username != "" && strings.EqualFold(to, me.username))
	}
	if rest, ok := stripMention(text, me.username); ok {
		return rest, true
	}
	reply := msg.ReplyToMessage
	return text, reply != nil && reply.From != nil && reply.From.ID == me.id && me.id != 0
}

// commandAddressee reports whether text is a command and whom it addresses: ""
// for "/start", "otherbot" for "/start@otherbot".
func commandAddressee(text string) (string, bool) {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", false
	}
	first, _, _ := strings.Cut(text, " ")
	first, _, _ = strings.Cut(first, "\n")
	_, to, _ := strings.Cut(first, "@")
	return to, true
}

// stripMention removes every "@username" of the bot (any case, as a whole word)
// from text and reports whether there was one. Separators around it (", : ;")
// go with it: "@ourbot, Dorfmark" is "Dorfmark".
func stripMention(text, username string) (string, bool) {
	if username == "" {
		return text, false
	}
	mention := "@" + strings.ToLower(username)
	lower := asciiLower(text) // usernames are ASCII; byte offsets stay those of text
	var b strings.Builder
	found := false
	for i := 0; i < len(text); {
		j := strings.Index(lower[i:], mention)
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		j += i
		end := j + len(mention)
		if (j > 0 && isNameByte(lower[j-1])) || (end < len(lower) && isNameByte(lower[end])) {
			b.WriteString(text[i:end]) // "@ourbotx" or "x@ourbot": another name
			i = end
			continue
		}
		found = true
		b.WriteString(text[i:j])
		b.WriteByte(' ')
		i = end
	}
	if !found {
		return text, false
	}
	rest := strings.Join(strings.Fields(b.String()), " ")
	return strings.Trim(rest, " ,;:"), true
}

// asciiLower lower-cases ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isGroup(t models.ChatType) bool {
	return t == models.ChatTypeGroup || t == models.ChatTypeSupergroup
}

// isOut reports a chat member status that is not (or no longer) in the chat.
func isOut(cm models.ChatMember) bool {
	switch cm.Type {
	case models.ChatMemberTypeLeft, models.ChatMemberTypeBanned:
		return true
	case models.ChatMemberTypeRestricted:
		return cm.Restricted == nil || !cm.Restricted.IsMember
	}
	return false
}

// isService reports a service message: somebody joined or left, a pin, a new
// title or photo, a migration, a forum topic, a boost, a payment, ... Anything
// without content a person wrote or sent.
func isService(msg *models.Message) bool {
	return msg.Text == "" && msg.Caption == "" && msg.Location == nil && msg.Venue == nil &&
		msg.Contact == nil && msg.Sticker == nil && msg.Photo == nil && msg.Animation == nil &&
		msg.Audio == nil && msg.Document == nil && msg.Video == nil && msg.VideoNote == nil &&
		msg.Voice == nil && msg.Dice == nil && msg.Poll == nil && msg.Game == nil && msg.Story == nil &&
		msg.PaidMedia == nil && msg.Checklist == nil
}

// ignoredType names an ignored update's type for the debug log.
func ignoredType(u *models.Update) string {
	switch {
	case u.Message != nil:
		return "message" // not meant for the bot, or a service message
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil, u.EditedChannelPost != nil:
		return "channel_post"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.ChatMember != nil:
		return "chat_member"
	case u.ChosenInlineResult != nil:
		return "chosen_inline_result"
	case u.MessageReaction != nil, u.MessageReactionCount != nil:
		return "message_reaction"
	}
	return "other"
}

func chatKey(id int64) string { return "c" + strconv.FormatInt(id, 10) }

// chatStateKey maps an ordering key to the state key of its chat (f's answer),
// "" for keys that are not a chat's (inline queries); nil for a nil f.
func chatStateKey(f func(chatID int64) string) func(key string) string {
	if f == nil {
		return nil
	}
	return func(key string) string {
		rest, ok := strings.CutPrefix(key, "c")
		if !ok {
			return ""
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return ""
		}
		return f(id)
	}
}
func userKey(id int64) string { return "u" + strconv.FormatInt(id, 10) }
