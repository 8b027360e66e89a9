package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// BenchmarkHandle measures one whole update (load state, resolve, render, save
// state) against the real Redis of the tests. The "prefetched" variants get the
// chat's state as the bot's inbox scripts hand it over (handlers.WithPrefetched):
// no GET of their own.
func BenchmarkHandle(b *testing.B) {
	for _, bc := range []struct{ name, text, lang string }{
		{"exact/de", "Dorfmark", "de"},
		{"sentence/de", "Hallo, wir wohnen in Dorfmark und haben zwei Kinder", "de"},
		{"typo/ar", "Dorfmrak", "ar"},
		{"command/bezirke", "/bezirke", "de"},
		{"exact/de/prefetched", "Dorfmark", "de"},
		{"sentence/de/prefetched", "Hallo, wir wohnen in Dorfmark und haben zwei Kinder", "de"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rdb := redistest.Client(b)
			store := redisstore.New(rdb, redistest.Prefix(b))
			h, err := handlers.New(handlers.Config{Directory: testDirectory(b), Store: store})
			if err != nil {
				b.Fatal(err)
			}
			r := &handlerstest.Recorder{}
			u := handlers.Update{ChatID: 1, Private: true, User: handlers.User{ID: 1, LanguageCode: bc.lang}, Text: bc.text}
			ctx := context.Background()
			if err := h.Handle(ctx, r, u); err != nil { // the state the turns below find
				b.Fatal(err)
			}
			r.Take()
			prefetch := strings.HasSuffix(bc.name, "/prefetched")
			state, _ := rdb.Get(ctx, store.StateKey(u.ChatID)).Bytes()
			b.ReportAllocs()
			for b.Loop() {
				c := ctx
				if prefetch {
					c = handlers.WithPrefetched(ctx, &handlers.Prefetched{Key: store.StateKey(u.ChatID), Value: state, Found: state != nil})
				}
				if err := h.Handle(c, r, u); err != nil {
					b.Fatal(err)
				}
				r.Take()
			}
		})
	}
}
