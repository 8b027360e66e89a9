package handlers_test

import (
	"context"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// The recorder is also a handlers.Poster: a post is recorded like a message
// (kind "send", its text or caption in Msg), with the Post itself; a venue as
// kind "venue". Message ids count up.

func (r *recorder) Post(_ context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failSend != nil {
		return handlers.Posted{}, r.failSend
	}
	kind := "send"
	if p.Venue != nil {
		kind = "venue"
	}
	pp := p
	r.outs = append(r.outs, out{Kind: kind, Chat: chat, Msg: handlers.Message{Text: p.Text, Buttons: p.Buttons}, Post: &pp})
	return handlers.Posted{MessageID: len(r.outs), FileID: "file-" + kind}, nil
}

func (r *recorder) EditPost(_ context.Context, chat int64, id int, e handlers.Edit) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out{Kind: "edit", Chat: chat, Msg: handlers.Message{Text: e.Text}})
	return nil
}

func (r *recorder) DeleteMessage(_ context.Context, chat int64, id int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out{Kind: "delete", Chat: chat})
	return nil
}
