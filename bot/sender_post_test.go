package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// The exact requests of Post, EditPost and DeleteMessage, multipart uploads included.
func TestSenderPostRequests(t *testing.T) {
	s, api, _ := newTestSender(t)
	ctx := context.Background()
	buttons := [][]handlers.Button{{{Text: "🔔 Erinnern", Data: "v1|r|7"}}}
	photo, err := s.Post(ctx, 42, handlers.Post{Text: "<b>Fest</b>", Buttons: buttons,
		Media: &handlers.Media{Kind: handlers.MediaPhoto, FileID: "AgACflyer"}})
	if err != nil || photo.MessageID != 1 {
		t.Fatalf("photo: %+v, %v", photo, err)
	}
	venue, err := s.Post(ctx, 42, handlers.Post{Venue: &handlers.Venue{Lat: 52.86, Lon: 9.59, Title: "Familienzentrum", Address: "Am Markt 1"}})
	if err != nil || venue.MessageID != 2 {
		t.Fatalf("venue: %+v, %v", venue, err)
	}
	ics := []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	doc, err := s.Post(ctx, 42, handlers.Post{Text: "📅", Media: &handlers.Media{Kind: handlers.MediaDocument, Name: "termin.ics", Data: ics}})
	if err != nil || doc.MessageID != 3 || doc.FileID == "" {
		t.Fatalf("upload: %+v, %v", doc, err)
	}
	again, err := s.Post(ctx, 43, handlers.Post{Media: &handlers.Media{Kind: handlers.MediaDocument, FileID: doc.FileID}})
	if err != nil || again.MessageID != 1 {
		t.Fatalf("by file_id: %+v, %v", again, err)
	}
	if err := s.EditPost(ctx, 42, photo.MessageID, handlers.Edit{Text: "<b>Fest</b> neu", Caption: true, Buttons: buttons}); err != nil {
		t.Fatal(err)
	}
	if err := s.EditPost(ctx, 42, doc.MessageID, handlers.Edit{Text: "📅 neu", Media: &handlers.Media{Kind: handlers.MediaDocument, Name: "termin.ics", Data: ics}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessage(ctx, 42, venue.MessageID); err != nil {
		t.Fatal(err)
	}
	err = s.DeleteMessage(ctx, 42, venue.MessageID)
	if !errors.Is(err, handlers.ErrBadRequest) {
		t.Errorf("deleting twice: %v", err)
	}
	reqs := api.Requests("")
	want := []struct {
		method string
		params map[string]string
	}{
		{"sendPhoto", map[string]string{"chat_id": "42", "photo": "AgACflyer", "caption": "<b>Fest</b>", "parse_mode": "HTML",
			"reply_markup": `{"inline_keyboard":[[{"text":"🔔 Erinnern","callback_data":"v1|r|7"}]]}`}},
		{"sendVenue", map[string]string{"chat_id": "42", "latitude": "52.86", "longitude": "9.59", "title": "Familienzentrum", "address": "Am Markt 1"}},
		{"sendDocument", map[string]string{"chat_id": "42", "document": "file:termin.ics", "caption": "📅", "parse_mode": "HTML"}},
		{"sendDocument", map[string]string{"chat_id": "43", "document": doc.FileID}},
		{"editMessageCaption", map[string]string{"chat_id": "42", "message_id": "1", "caption": "<b>Fest</b> neu", "parse_mode": "HTML"}},
		{"editMessageMedia", map[string]string{"chat_id": "42", "message_id": "3"}},
		{"deleteMessage", map[string]string{"chat_id": "42", "message_id": "2"}},
		{"deleteMessage", map[string]string{"chat_id": "42", "message_id": "2"}},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method {
			t.Errorf("request %d: %s, want %s", i, r.Method, w.method)
		}
		for k, v := range w.params {
			if r.Params[k] != v {
				t.Errorf("request %d %s: %s = %q, want %q", i, r.Method, k, r.Params[k], v)
			}
		}
	}
	if string(reqs[2].Files["document"]) != string(ics) {
		t.Errorf("uploaded %q", reqs[2].Files["document"])
	}
	if !strings.Contains(reqs[5].Params["media"], `"media":"attach://termin.ics"`) || string(reqs[5].Files["termin.ics"]) != string(ics) {
		t.Errorf("editMessageMedia %q, file %q", reqs[5].Params["media"], reqs[5].Files["termin.ics"])
	}
	if reqs[7].Status != http.StatusBadRequest {
		t.Errorf("second delete answered %d", reqs[7].Status)
	}
	// A caption over Telegram's 1,024 characters is refused like Telegram does.
	_, err = s.Post(ctx, 42, handlers.Post{Text: strings.Repeat("x", 1025), Media: &handlers.Media{Kind: handlers.MediaPhoto, FileID: "f"}})
	if !errors.Is(err, handlers.ErrBadRequest) {
		t.Errorf("long caption: %v", err)
	}
}

// Photos, documents and venues from staff become the update's Media and Venue
// (file_id only; the caption is the text).
func TestMapMediaUpdates(t *testing.T) {
	chat := models.Chat{ID: 5, Type: models.ChatTypePrivate}
	from := &models.User{ID: 5}
	m, ok := mapUpdate(&models.Update{ID: 1, Message: &models.Message{Chat: chat, From: from, Caption: "Fest",
		Photo: []models.PhotoSize{{FileID: "small", Width: 90}, {FileID: "large", Width: 1280, FileSize: 99}}}}, identity{})
	if !ok || m.update.Text != "Fest" || m.update.Media == nil || m.update.Media.FileID != "large" || m.update.Media.Kind != handlers.MediaPhoto {
		t.Errorf("photo: %+v %+v", m.update, m.update.Media)
	}
	m, _ = mapUpdate(&models.Update{ID: 2, Message: &models.Message{Chat: chat, From: from,
		Document: &models.Document{FileID: "pdf", FileName: "flyer.pdf", MimeType: "application/pdf"}}}, identity{})
	if m.update.Media == nil || m.update.Media.Kind != handlers.MediaDocument || m.update.Media.Name != "flyer.pdf" {
		t.Errorf("document: %+v", m.update.Media)
	}
	m, _ = mapUpdate(&models.Update{ID: 3, Message: &models.Message{Chat: chat, From: from,
		Venue: &models.Venue{Location: models.Location{Latitude: 52.8, Longitude: 9.5}, Title: "Rathaus", Address: "Markt 1"}}}, identity{})
	if m.update.Location == nil || m.update.Venue == nil || m.update.Venue.Title != "Rathaus" || m.update.Venue.Address != "Markt 1" {
		t.Errorf("venue: %+v", m.update)
	}
}
