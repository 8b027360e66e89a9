package bot

import (
	"context"
	"slices"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// posterConv answers with the rich calls of handlers.Poster and a text, in that order.
type posterConv struct{}

func (posterConv) Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error {
	p, ok := r.(handlers.Poster)
	if !ok {
		return r.Send(ctx, u.ChatID, handlers.Message{Text: "no poster"})
	}
	if _, err := p.Post(ctx, u.ChatID, handlers.Post{Venue: &handlers.Venue{Lat: 52.8, Lon: 9.6, Title: "Treff", Address: "Markt 1"}}); err != nil {
		return err
	}
	if err := p.EditPost(ctx, u.ChatID, 1, handlers.Edit{Text: "neu"}); err != nil {
		return err
	}
	if err := p.DeleteMessage(ctx, u.ChatID, 1); err != nil {
		return err
	}
	return r.Send(ctx, u.ChatID, handlers.Message{Text: "danach"})
}

// TestOutboxDeliversPostsInOrder: the conversation's Replier is a
// handlers.Poster too; its rich calls are delivered through the Sender in the
// order they were made, between the plain replies.
func TestOutboxDeliversPostsInOrder(t *testing.T) {
	api := fakeapi.Start(t)
	api.Push(fakeapi.TextUpdate(11, "de", "x"))
	startBot(t, api, Options{Conversation: posterConv{}})
	if _, err := api.WaitChat("sendMessage", 11, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range api.ChatRequests(11) {
		got = append(got, r.Method)
	}
	if want := []string{"sendVenue", "editMessageText", "deleteMessage", "sendMessage"}; !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
}
