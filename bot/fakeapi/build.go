package fakeapi

import (
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// Builders of typical updates for tests. Their update_id is 0, so Push assigns the
// next one; set ID for a fixed id. A positive chatID is a private chat with the user
// of the same id, a negative one a group with user 1.

func user(chatID int64, lang string) *models.User {
	id := chatID
	if id < 0 {
		id = 1
	}
	return &models.User{ID: id, FirstName: "Test", LanguageCode: lang}
}

func chat(chatID int64) models.Chat {
	if chatID < 0 {
		return models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: "Gruppe"}
	}
	return models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: "Test"}
}

// TextUpdate is a text message (or command) from a user with app language lang ("" for none).
func TextUpdate(chatID int64, lang, text string) models.Update {
	return models.Update{Message: &models.Message{
		ID: 1, From: user(chatID, lang), Chat: chat(chatID), Date: int(time.Now().Unix()), Text: text,
	}}
}

// LocationUpdate is a shared location.
func LocationUpdate(chatID int64, lat, lon float64) models.Update {
	return models.Update{Message: &models.Message{
		ID: 1, From: user(chatID, ""), Chat: chat(chatID), Date: int(time.Now().Unix()),
		Location: &models.Location{Latitude: lat, Longitude: lon},
	}}
}

// CallbackUpdate is a press on an inline button with this data under message messageID.
func CallbackUpdate(chatID int64, messageID int, data string) models.Update {
	return models.Update{CallbackQuery: &models.CallbackQuery{
		ID:   "cb" + strconv.FormatInt(chatID, 10) + "-" + strconv.Itoa(messageID) + "-" + data,
		From: *user(chatID, ""),
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: messageID, Chat: chat(chatID), Date: int(time.Now().Unix())},
		},
		ChatInstance: "ci" + strconv.FormatInt(chatID, 10),
		Data:         data,
	}}
}

// InlineUpdate is an inline query typed by user userID.
func InlineUpdate(userID int64, query string) models.Update {
	return models.Update{InlineQuery: &models.InlineQuery{
		ID: "iq" + strconv.FormatInt(userID, 10) + "-" + query, From: user(userID, ""), Query: query,
	}}
}

// EditedUpdate is an edited message (the bot ignores those).
func EditedUpdate(chatID int64, text string) models.Update {
	return models.Update{EditedMessage: &models.Message{
		ID: 1, From: user(chatID, ""), Chat: chat(chatID), Date: int(time.Now().Unix()),
		EditDate: int(time.Now().Unix()), Text: text,
	}}
}

// GroupTextUpdate is a text message (or command) of user userID in group chatID
// (negative, a supergroup).
func GroupTextUpdate(chatID, userID int64, text string) models.Update {
	u := TextUpdate(chatID, "de", text)
	u.Message.From = &models.User{ID: userID, FirstName: "Mitglied", LanguageCode: "de"}
	return u
}

// ReplyTo makes a message update a reply to message messageID of user from (e.g.
// the bot: its id is the number before the colon of its token).
func ReplyTo(u models.Update, from int64, isBot bool, messageID int) models.Update {
	u.Message.ReplyToMessage = &models.Message{
		ID: messageID, Chat: u.Message.Chat, Date: u.Message.Date,
		From: &models.User{ID: from, IsBot: isBot, FirstName: "Sozialraumbot"}, Text: "…",
	}
	return u
}

// GroupCallbackUpdate is a press of user userID on a button under message
// messageID in group chatID.
func GroupCallbackUpdate(chatID, userID int64, messageID int, data string) models.Update {
	u := CallbackUpdate(chatID, messageID, data)
	u.CallbackQuery.ID += "-" + strconv.FormatInt(userID, 10)
	u.CallbackQuery.From = models.User{ID: userID, FirstName: "Mitglied", LanguageCode: "de"}
	return u
}

// MyChatMemberUpdate is the bot's own membership in chat chatID changing from
// oldStatus to newStatus ("left", "member", "administrator", "kicked"), done by user byUser.
func MyChatMemberUpdate(chatID, byUser, botID int64, oldStatus, newStatus string) models.Update {
	member := func(status string) models.ChatMember {
		bot := &models.User{ID: botID, IsBot: true, FirstName: "Sozialraumbot"}
		switch models.ChatMemberType(status) {
		case models.ChatMemberTypeAdministrator:
			return models.ChatMember{Type: models.ChatMemberTypeAdministrator, Administrator: &models.ChatMemberAdministrator{User: *bot}}
		case models.ChatMemberTypeLeft:
			return models.ChatMember{Type: models.ChatMemberTypeLeft, Left: &models.ChatMemberLeft{User: bot}}
		case models.ChatMemberTypeBanned:
			return models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: bot}}
		default:
			return models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: bot}}
		}
	}
	return models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: chat(chatID), From: models.User{ID: byUser, FirstName: "Admin", LanguageCode: "de"},
		Date: int(time.Now().Unix()), OldChatMember: member(oldStatus), NewChatMember: member(newStatus),
	}}
}

// ContactUpdate is a shared contact card with this phone number: the sender's
// own card when own is true, else someone else's.
func ContactUpdate(chatID int64, own bool, phone string) models.Update {
	u := TextUpdate(chatID, "de", "")
	c := &models.Contact{PhoneNumber: phone, FirstName: "Erika", LastName: "Mustermann"}
	if own {
		c.UserID = u.Message.From.ID
	}
	u.Message.Contact = c
	return u
}

// SharedOwnNumber is the user's own contact card as Telegram sends it after a
// press on a request_contact keyboard button: the number in international form
// without "+", the user's first name and contact user_id equal to the sender's.
func SharedOwnNumber(chatID int64, phone, firstName string) models.Update {
	u := TextUpdate(chatID, "de", "")
	u.Message.From.FirstName = firstName
	u.Message.Contact = &models.Contact{PhoneNumber: phone, FirstName: firstName, UserID: u.Message.From.ID}
	return u
}

// CallbackFrom is a press of user userID (first name firstName) on a button
// under message messageID in chat chatID: a group, or the user's private chat.
func CallbackFrom(chatID, userID int64, firstName string, messageID int, data string) models.Update {
	u := CallbackUpdate(chatID, messageID, data)
	u.CallbackQuery.ID += "-" + strconv.FormatInt(userID, 10)
	u.CallbackQuery.From = models.User{ID: userID, FirstName: firstName, LanguageCode: "de"}
	return u
}
