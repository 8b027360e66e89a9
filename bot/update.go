package bot

import (
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Kinds of updates, as counted in the metrics.
const (
	kindMessage  = "message"
	kindLocation = "location"
	kindCallback = "callback"
	kindInline   = "inline"
	kindOther    = "other_message" // a message without text or location (sticker, photo, ...)
	kindIgnored  = "ignored"       // edited messages, channel posts, member updates, ...
)

// mapped is an update translated for the conversation.
type mapped struct {
	update handlers.Update
	kind   string
	// key orders updates: all updates with one key are handled one after another,
	// in arrival order ("c<chat id>" for chats, "u<user id>" for inline queries).
	key string
}

// mapUpdate translates a Telegram update; ok is false for update types the bot
// ignores (their kind says which).
func mapUpdate(u *models.Update) (m mapped, ok bool) {
	m.update.ID = u.ID
	switch {
	case u.Message != nil:
		msg := u.Message
		m.update.ChatID = msg.Chat.ID
		m.update.Private = msg.Chat.Type == models.ChatTypePrivate
		if msg.From != nil {
			m.update.User = handlers.User{ID: msg.From.ID, LanguageCode: msg.From.LanguageCode}
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
			m.update.Text = msg.Caption
			m.update.Media = &handlers.Media{Kind: handlers.MediaPhoto, FileID: p.FileID, Size: int64(p.FileSize), Width: p.Width}
		case msg.Document != nil:
			m.kind = kindMessage
			m.update.Text = msg.Caption
			m.update.Media = &handlers.Media{Kind: handlers.MediaDocument, FileID: msg.Document.FileID,
				Name: msg.Document.FileName, Size: msg.Document.FileSize, Mime: msg.Document.MimeType}
		case msg.Text != "":
			m.kind = kindMessage
			m.update.Text = msg.Text
		case msg.Caption != "":
			m.kind = kindMessage
			m.update.Text = msg.Caption
		default:
			// Stickers, photos, voice messages: handed on with empty text so the
			// conversation can say what it understands (never silently dropped).
			m.kind = kindOther
		}
		m.key = chatKey(msg.Chat.ID)
		return m, true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		m.kind = kindCallback
		m.update.User = handlers.User{ID: cq.From.ID, LanguageCode: cq.From.LanguageCode}
		cb := &handlers.Callback{ID: cq.ID, Data: cq.Data}
		switch {
		case cq.Message.Message != nil:
			m.update.ChatID = cq.Message.Message.Chat.ID
			m.update.Private = cq.Message.Message.Chat.Type == models.ChatTypePrivate
			cb.MessageID = cq.Message.Message.ID
		case cq.Message.InaccessibleMessage != nil:
			m.update.ChatID = cq.Message.InaccessibleMessage.Chat.ID
			m.update.Private = cq.Message.InaccessibleMessage.Chat.Type == models.ChatTypePrivate
			cb.MessageID = cq.Message.InaccessibleMessage.MessageID
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
	}
	m.kind = kindIgnored
	return m, false
}

// ignoredType names an ignored update's type for the debug log.
func ignoredType(u *models.Update) string {
	switch {
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
func userKey(id int64) string { return "u" + strconv.FormatInt(id, 10) }
