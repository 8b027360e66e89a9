package terminal

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/heidekreis/sozialraumbot/handlers"
)

var _ handlers.Poster = (*Replier)(nil)

// Post prints a rich message: the picture or file as a line, then its caption
// (or text) and buttons; a venue as a map pin. Message ids count up per Replier.
func (r *Replier) Post(ctx context.Context, chatID int64, p handlers.Post) (handlers.Posted, error) {
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	head := r.label(chatID)
	r.mu.Unlock()
	var b strings.Builder
	b.WriteString(head)
	switch {
	case p.Venue != nil:
		fmt.Fprintf(&b, "  📍 [Karte] %s, %s (%.5f, %.5f)\n\n", p.Venue.Title, p.Venue.Address, p.Venue.Lat, p.Venue.Lon)
		posted := handlers.Posted{MessageID: id}
		err := r.write(b.String())
		if err == nil && p.Receipt != nil {
			p.Receipt(ctx, chatID, posted)
		}
		return posted, err
	case p.Media != nil && p.Media.Kind == handlers.MediaPhoto:
		fmt.Fprintf(&b, "  🖼 [Foto %s]\n", p.Media.FileID)
	case p.Media != nil:
		name := p.Media.Name
		if name == "" {
			name = p.Media.FileID
		}
		size := ""
		if len(p.Media.Data) > 0 {
			size = ", " + strconv.Itoa(len(p.Media.Data)) + " Bytes"
		}
		fmt.Fprintf(&b, "  📎 [Datei %s%s]\n", name, size)
	}
	if p.Media != nil {
		// The label and the picture or file line; the caption follows.
		if err := r.write(b.String()); err != nil {
			return handlers.Posted{}, err
		}
	}
	posted := handlers.Posted{MessageID: id}
	if p.Text == "" {
		err := r.write("\n")
		if err == nil && p.Receipt != nil {
			p.Receipt(ctx, chatID, posted)
		}
		return posted, err
	}
	if p.Media != nil && p.Media.FileID == "" {
		posted.FileID = "terminal-file-" + strconv.Itoa(id)
	}
	err := r.send(chatID, handlers.Message{Text: p.Text, Buttons: p.Buttons}, p.Media == nil)
	if err == nil && p.Receipt != nil {
		p.Receipt(ctx, chatID, posted)
	}
	return posted, err
}

// EditPost prints a correction of an earlier message.
func (r *Replier) EditPost(_ context.Context, chatID int64, messageID int, e handlers.Edit) error {
	r.mu.Lock()
	head := r.label(chatID)
	r.mu.Unlock()
	what := "Text"
	if e.Caption {
		what = "Bildunterschrift"
	}
	if e.Media != nil {
		what = "Datei " + e.Media.Name
	}
	return r.write(fmt.Sprintf("%s  ✏️ [Nachricht %d geändert: %s]\n%s\n\n", head, messageID, what, indent(Plain(e.Text))))
}

// DeleteMessage prints the deletion of an earlier message.
func (r *Replier) DeleteMessage(_ context.Context, chatID int64, messageID int) error {
	r.mu.Lock()
	head := r.label(chatID)
	r.mu.Unlock()
	return r.write(fmt.Sprintf("%s  🗑 [Nachricht %d gelöscht]\n\n", head, messageID))
}

func (r *Replier) write(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := io.WriteString(r.w, s)
	return err
}

// label is the line that says whose chat a message goes to ("" for the user's own).
func (r *Replier) label(chatID int64) string {
	if r.names == nil {
		return ""
	}
	if n := r.names(chatID); n != "" {
		return "  ── " + n + " ──\n"
	}
	return ""
}

// NewLabelledReplier returns a Replier that heads every message with the name
// names gives its chat, e.g. "Eltern-Chat 9002 (en)": the terminal's view of
// what other chats receive.
func NewLabelledReplier(w io.Writer, names func(chatID int64) string) *Replier {
	return &Replier{w: w, names: names}
}
