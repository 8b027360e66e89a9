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
