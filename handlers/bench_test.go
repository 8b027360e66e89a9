package handlers_test

import (
	"context"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// BenchmarkHandle measures one whole update (load state, resolve, render, save
// state) against the real Redis of the tests.
func BenchmarkHandle(b *testing.B) {
	for _, bc := range []struct{ name, text, lang string }{
		{"exact/de", "Dorfmark", "de"},
		{"sentence/de", "Hallo, wir wohnen in Dorfmark und haben zwei Kinder", "de"},
		{"typo/ar", "Dorfmrak", "ar"},
		{"command/bezirke", "/bezirke", "de"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rdb := redistest.Client(b)
			h, err := handlers.New(handlers.Config{Directory: testDirectory(b), Store: redisstore.New(rdb, redistest.Prefix(b))})
			if err != nil {
				b.Fatal(err)
			}
			r := &handlerstest.Recorder{}
			u := handlers.Update{ChatID: 1, Private: true, User: handlers.User{ID: 1, LanguageCode: bc.lang}, Text: bc.text}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := h.Handle(ctx, r, u); err != nil {
					b.Fatal(err)
				}
				r.Take()
			}
		})
	}
}
