package handlerstest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

func TestRecorder(t *testing.T) {
	ctx := context.Background()
	var r handlerstest.Recorder
	changed := r.Changed()
	if err := r.Send(ctx, 1, handlers.Message{Text: "a"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	default:
		t.Error("Changed was not closed by a send")
	}
	_ = r.SendContact(ctx, 1, handlers.Contact{Phone: "+49"})
	_ = r.AnswerCallback(ctx, "cb", "ok")
	_ = r.AnswerInline(ctx, "iq", []handlers.InlineResult{{ID: "x"}})
	var delivered handlers.Posted
	posted, err := r.Post(ctx, 2, handlers.Post{Text: "flyer", Media: &handlers.Media{Kind: handlers.MediaPhoto, FileID: "f"},
		Receipt: func(_ context.Context, _ int64, p handlers.Posted) { delivered = p }})
	if err != nil || posted.MessageID != 5 || posted.FileID != "file-send" || delivered != posted {
		t.Errorf("Post = %+v, %v; Receipt got %+v", posted, err, delivered)
	}
	_, _ = r.Post(ctx, 2, handlers.Post{Venue: &handlers.Venue{Title: "Ort"}})
	_ = r.EditPost(ctx, 2, 5, handlers.Edit{Text: "neu"})
	_ = r.DeleteMessage(ctx, 2, 6)

	var kinds []string
	for _, s := range r.All() {
		kinds = append(kinds, s.Kind)
		if s.At.IsZero() {
			t.Errorf("%s without time", s.Kind)
		}
	}
	if got := strings.Join(kinds, ","); got != "send,contact,callback,inline,send,venue,edit,delete" {
		t.Errorf("kinds = %s", got)
	}
	if ms := r.Messages(2); len(ms) != 2 || ms[0].Text != "flyer" {
		t.Errorf("Messages(2) = %+v", ms)
	}
	if n := len(r.Take()); n != 8 || len(r.All()) != 0 {
		t.Errorf("Take = %d, then %d left", n, len(r.All()))
	}

	boom := errors.New("boom")
	r.FailSends(boom)
	if err := r.Send(ctx, 1, handlers.Message{Text: "b"}); !errors.Is(err, boom) {
		t.Errorf("Send = %v", err)
	}
	if _, err := r.Post(ctx, 1, handlers.Post{Text: "c"}); !errors.Is(err, boom) {
		t.Errorf("Post = %v", err)
	}
	if n := len(r.All()); n != 0 {
		t.Errorf("a failed send was recorded (%d)", n)
	}
}

func TestLog(t *testing.T) {
	var l handlerstest.Log
	l.Logger().Debug("probe", "k", "v")
	if got := l.String(); !strings.Contains(got, "probe") || !strings.Contains(got, "k=v") {
		t.Errorf("log = %q", got)
	}
}
