package bot

import (
	"context"
	"sync"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// TestPostReceipt: the Sender calls a post's Receipt once, after Telegram
// accepted the message, with its id; not when the send failed. The outbox's
// recorder only queues the post (its Receipt goes with it).
func TestPostReceipt(t *testing.T) {
	s, api, _ := newTestSender(t)
	ctx := context.Background()
	var mu sync.Mutex
	var got []handlers.Posted
	var chats []int64
	receipt := func(_ context.Context, chat int64, p handlers.Posted) {
		mu.Lock()
		defer mu.Unlock()
		got, chats = append(got, p), append(chats, chat)
	}
	p, err := s.Post(ctx, -100, handlers.Post{Text: "Rückrufbitte", Receipt: receipt})
	if err != nil || len(got) != 1 || got[0] != p || chats[0] != -100 || p.MessageID == 0 {
		t.Fatalf("Post = %+v, %v; receipts %+v to %v", p, err, got, chats)
	}
	api.FailNext("sendMessage", 1, 400, 0)
	if _, err := s.Post(ctx, -101, handlers.Post{Text: "x", Receipt: receipt}); err == nil {
		t.Fatal("want an error")
	}
	if len(got) != 1 {
		t.Fatalf("a failed send was receipted: %+v", got)
	}
	rec := &recorder{}
	if posted, err := rec.Post(ctx, -100, handlers.Post{Text: "y", Receipt: receipt}); err != nil || posted.MessageID != 0 {
		t.Fatalf("recorder Post = %+v, %v", posted, err)
	}
	if len(got) != 1 || rec.close()[0].post.Receipt == nil {
		t.Fatal("the recorder called the receipt, or dropped it")
	}
}
