package bot

import (
	"bytes"
	"context"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

var _ handlers.Poster = (*Sender)(nil)

// inputFile is a file by its Telegram file_id, or uploaded from its content
// (multipart) when it has none. Files of users are never downloaded.
func inputFile(m *handlers.Media) models.InputFile {
	if m.FileID != "" {
		return &models.InputFileString{Data: m.FileID}
	}
	name := m.Name
	if name == "" {
		name = "file"
	}
	return &models.InputFileUpload{Filename: name, Data: bytes.NewReader(m.Data)}
}

// Post sends a text message, a photo or document with an HTML caption, or a venue,
// and returns the message id (and the file_id of an uploaded document); the
// post's Receipt, if any, is told the id after the send succeeded.
func (s *Sender) Post(ctx context.Context, chatID int64, p handlers.Post) (handlers.Posted, error) {
	var (
		msg    *models.Message
		err    error
		method string
	)
	mk := markup(handlers.Message{Buttons: p.Buttons})
	switch {
	case p.Venue != nil:
		method = "sendVenue"
		params := &tgbot.SendVenueParams{ChatID: chatID, Latitude: p.Venue.Lat, Longitude: p.Venue.Lon,
			Title: p.Venue.Title, Address: p.Venue.Address}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		msg, err = s.api.SendVenue(ctx, params)
	case p.Media != nil && p.Media.Kind == handlers.MediaPhoto:
		method = "sendPhoto"
		params := &tgbot.SendPhotoParams{ChatID: chatID, Photo: inputFile(p.Media), Caption: p.Text,
			ParseMode: models.ParseModeHTML}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		msg, err = s.api.SendPhoto(ctx, params)
	case p.Media != nil:
		method = "sendDocument"
		params := &tgbot.SendDocumentParams{ChatID: chatID, Document: inputFile(p.Media), Caption: p.Text,
			ParseMode: models.ParseModeHTML}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		msg, err = s.api.SendDocument(ctx, params)
	default:
		method = "sendMessage"
		params := &tgbot.SendMessageParams{ChatID: chatID, Text: p.Text, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: noPreview}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		msg, err = s.api.SendMessage(ctx, params)
	}
	if err != nil {
		return handlers.Posted{}, s.fail(ctx, method, err)
	}
	out := handlers.Posted{MessageID: msg.ID}
	if msg.Document != nil {
		out.FileID = msg.Document.FileID
	}
	if p.Receipt != nil {
		p.Receipt(ctx, chatID, out) // the message is sent: its id goes where it is wanted
	}
	return out, nil
}

// EditPost changes the text, caption or document of a sent message (and its
// buttons). Telegram's "message is not modified" counts as done.
func (s *Sender) EditPost(ctx context.Context, chatID int64, messageID int, e handlers.Edit) error {
	var (
		err    error
		method string
	)
	mk := markup(handlers.Message{Buttons: e.Buttons})
	switch {
	case e.Media != nil:
		method = "editMessageMedia"
		media := &models.InputMediaDocument{Caption: e.Text, ParseMode: models.ParseModeHTML}
		if e.Media.FileID != "" {
			media.Media = e.Media.FileID
		} else {
			name := e.Media.Name
			if name == "" {
				name = "file"
			}
			media.Media = "attach://" + name
			media.MediaAttachment = bytes.NewReader(e.Media.Data)
		}
		params := &tgbot.EditMessageMediaParams{ChatID: chatID, MessageID: messageID, Media: media}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		_, err = s.api.EditMessageMedia(ctx, params)
	case e.Caption:
		method = "editMessageCaption"
		params := &tgbot.EditMessageCaptionParams{ChatID: chatID, MessageID: messageID, Caption: e.Text,
			ParseMode: models.ParseModeHTML}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		_, err = s.api.EditMessageCaption(ctx, params)
	default:
		method = "editMessageText"
		params := &tgbot.EditMessageTextParams{ChatID: chatID, MessageID: messageID, Text: e.Text,
			ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
		if mk != nil {
			params.ReplyMarkup = mk
		}
		_, err = s.api.EditMessageText(ctx, params)
	}
	if err != nil {
		if strings.Contains(err.Error(), "message is not modified") {
			return nil
		}
		return s.fail(ctx, method, err)
	}
	return nil
}

// DeleteMessage deletes a message the bot sent (Telegram: within 48 hours).
func (s *Sender) DeleteMessage(ctx context.Context, chatID int64, messageID int) error {
	if _, err := s.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: chatID, MessageID: messageID}); err != nil {
		return s.fail(ctx, "deleteMessage", err)
	}
	return nil
}
