package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Handler is the conversation Run drives (implemented by *handlers.Handler).
type Handler interface {
	Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error
}

// Option configures Run.
type Option func(*options)

type options struct {
	chatID int64
	lang   string
	prompt string
	media  bool
	r      *Replier
}

// WithMedia lets the user send pictures and files: "foto [CAPTION]" sends a photo,
// "pdf NAME [CAPTION]" a document (both with made-up file ids), as staff do when
// they attach a flyer.
func WithMedia() Option { return func(o *options) { o.media = true } }

// WithReplier prints through r instead of a new Replier on out.
func WithReplier(r *Replier) Option { return func(o *options) { o.r = r } }

// WithChatID sets the chat (and user) id of the terminal user (default 1).
func WithChatID(id int64) Option { return func(o *options) { o.chatID = id } }

// WithLanguage sets the user's app language, e.g. "en" or "ar" (default "de").
func WithLanguage(code string) Option { return func(o *options) { o.lang = code } }

// WithPrompt sets the prompt printed before each input (default "> ").
func WithPrompt(p string) Option { return func(o *options) { o.prompt = p } }

// maxLine is the longest input line accepted (longer lines are cut there).
const maxLine = 1 << 20

// Run sends /start, then reads lines from in until EOF (or ctx ends) and prints
// the bot's answers to out. A line that is a number presses that button; "loc LAT
// LON" shares a location; "kontakt [NUMMER]" the user's own contact card
// ("kontakt fremd": someone else's); "@ TEXT" is an inline query. A failed reply is printed
// and the chat goes on.
func Run(ctx context.Context, h Handler, in io.Reader, out io.Writer, opts ...Option) error {
	o := options{chatID: 1, lang: "de", prompt: "> "}
	for _, f := range opts {
		f(&o)
	}
	r := o.r
	if r == nil {
		r = NewReplier(out)
	}
	files := 0
	var updateID int64
	handle := func(u handlers.Update) error {
		updateID++
		u.ID, u.ChatID, u.Private = updateID, o.chatID, true
		u.User = handlers.User{ID: o.chatID, LanguageCode: o.lang}
		if u.Inline != nil {
			u.ChatID, u.Private = 0, false
		}
		if err := h.Handle(ctx, r, u); err != nil {
			if _, werr := fmt.Fprintf(out, "  ! %v\n\n", err); werr != nil {
				return werr
			}
		}
		return nil
	}
	if err := handle(handlers.Update{Text: "/start"}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := io.WriteString(out, o.prompt); err != nil {
			return err
		}
		if !sc.Scan() {
			_, _ = io.WriteString(out, "\n")
			return sc.Err()
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if o.media {
			line = strings.ReplaceAll(line, `\n`, "\n") // staff write several lines in one
		}
		u, notice := parseLine(line, r)
		if o.media && notice == "" && u.Callback == nil && u.Location == nil && u.Inline == nil {
			if m, caption, ok := parseMedia(line, &files); ok {
				u.Media, u.Text = m, caption
			}
		}
		r.forget()
		if notice != "" {
			if _, err := fmt.Fprintf(out, "  (%s)\n\n", notice); err != nil {
				return err
			}
			continue
		}
		if err := handle(u); err != nil {
			return err
		}
	}
}

// parseLine turns an input line into an update, or a notice for the user.
func parseLine(line string, r *Replier) (handlers.Update, string) {
	trimmed := strings.TrimSpace(line)
	if n, err := strconv.Atoi(trimmed); err == nil && len(trimmed) <= 3 {
		if b, ok := r.press(n); ok {
			return handlers.Update{Callback: &handlers.Callback{ID: "terminal", MessageID: 1, Data: b.Data}}, ""
		}
		// Not a button: a number like a postal code goes to the bot as text.
	}
	if f := strings.Fields(trimmed); len(f) == 3 && strings.EqualFold(f[0], "loc") {
		lat, err1 := strconv.ParseFloat(strings.TrimSuffix(f[1], ","), 64)
		lon, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			return handlers.Update{}, "Standort bitte als: loc 52.86 9.59"
		}
		return handlers.Update{Location: &handlers.Location{Lat: lat, Lon: lon}}, ""
	}
	if f := strings.Fields(trimmed); len(f) > 0 && (strings.EqualFold(f[0], "kontakt") || strings.EqualFold(f[0], "contact")) {
		// "kontakt" shares the user's own contact card (as Telegram's "send my
		// number" button does), "kontakt NUMMER" with that number, "kontakt fremd"
		// someone else's card.
		c := &handlers.SharedContact{Own: true, Phone: "4915123456789"}
		switch {
		case len(f) == 2 && (strings.EqualFold(f[1], "fremd") || strings.EqualFold(f[1], "other")):
			c = &handlers.SharedContact{}
		case len(f) > 1:
			c.Phone = strings.Join(f[1:], "")
		}
		return handlers.Update{Contact: c}, ""
	}
	if q, ok := strings.CutPrefix(trimmed, "@"); ok && (q == "" || q[0] == ' ') {
		return handlers.Update{Inline: &handlers.InlineQuery{ID: "terminal", Query: strings.TrimSpace(q)}}, ""
	}
	return handlers.Update{Text: line}, ""
}

// parseMedia reads "foto [CAPTION]" and "pdf NAME [CAPTION]".
func parseMedia(line string, n *int) (*handlers.Media, string, bool) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil, "", false
	}
	switch strings.ToLower(f[0]) {
	case "foto", "photo":
		*n++
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0]))
		return &handlers.Media{Kind: handlers.MediaPhoto, FileID: fmt.Sprintf("terminal-foto-%d", *n)}, rest, true
	case "pdf":
		if len(f) < 2 {
			return nil, "", false
		}
		*n++
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0]))
		rest = strings.TrimSpace(strings.TrimPrefix(rest, f[1]))
		return &handlers.Media{Kind: handlers.MediaDocument, FileID: fmt.Sprintf("terminal-pdf-%d", *n), Name: f[1]}, rest, true
	}
	return nil, "", false
}
