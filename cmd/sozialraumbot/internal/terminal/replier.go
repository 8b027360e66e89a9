package terminal

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
)

// Replier prints the conversation's output to a writer. Buttons are numbered
// across the messages since the user's last input, so that the user can type a
// number to press one. It is safe for concurrent use.
type Replier struct {
	mu      sync.Mutex
	w       io.Writer
	buttons []handlers.Button         // pressable by number (1-based)
	nextID  int                       // message ids given by Post
	names   func(chatID int64) string // labels of other chats (NewLabelledReplier)
}

var (
	_ handlers.Replier      = (*Replier)(nil)
	_ handlers.AdminChecker = (*Replier)(nil)
)

// NewReplier returns a Replier printing to w.
func NewReplier(w io.Writer) *Replier { return &Replier{w: w} }

// IsChatAdmin reports true: the terminal chat is a private chat, and its user
// administers their own data.
func (r *Replier) IsChatAdmin(context.Context, int64, int64) (bool, error) { return true, nil }

// Send prints a message and its buttons.
func (r *Replier) Send(_ context.Context, chatID int64, m handlers.Message) error {
	return r.send(chatID, m, true)
}

// send prints a message, headed by its chat's label when labelled is set.
func (r *Replier) send(chatID int64, m handlers.Message, labelled bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	if labelled {
		b.WriteString(r.label(chatID))
	}
	b.WriteString(indent(Plain(m.Text)))
	for _, row := range m.Buttons {
		var cells []string
		for _, btn := range row {
			if btn.URL != "" {
				cells = append(cells, fmt.Sprintf("[%s: %s]", Plain(btn.Text), btn.URL))
				continue
			}
			r.buttons = append(r.buttons, btn)
			cells = append(cells, fmt.Sprintf("[%d] %s", len(r.buttons), Plain(btn.Text)))
		}
		b.WriteString("\n    " + strings.Join(cells, "   "))
	}
	if m.LocationButton != "" {
		b.WriteString("\n    [" + Plain(m.LocationButton) + ": loc LAT LON]")
	} else if m.ContactButton != "" {
		b.WriteString("\n    [" + Plain(m.ContactButton) + ": kontakt]")
	}
	b.WriteString("\n\n")
	_, err := io.WriteString(r.w, b.String())
	return err
}

// SendContact prints a contact card: name, phone numbers and web address.
func (r *Replier) SendContact(_ context.Context, _ int64, c handlers.Contact) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	name := c.FirstName
	if c.LastName != "" {
		name += " (" + c.LastName + ")"
	}
	fmt.Fprintf(&b, "  📇 %s", name)
	phones := 0
	for _, line := range strings.Split(c.VCard, "\r\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(key, "TEL"):
			kind := "Telefon"
			if strings.Contains(strings.ToUpper(key), "CELL") {
				kind = "Mobil"
			}
			fmt.Fprintf(&b, "\n     %s: %s", kind, val)
			phones++
		case key == "URL":
			fmt.Fprintf(&b, "\n     %s", strings.ReplaceAll(val, `\,`, ","))
		case key == "ORG":
			if _, unit, ok := strings.Cut(val, ";"); ok {
				fmt.Fprintf(&b, "\n     %s", vUnescape(unit))
			}
		}
	}
	if phones == 0 {
		fmt.Fprintf(&b, "\n     %s", c.Phone)
	}
	b.WriteString("\n\n")
	_, err := io.WriteString(r.w, b.String())
	return err
}

// AnswerCallback prints the notice of a button press, if any.
func (r *Replier) AnswerCallback(_ context.Context, _ string, text string) error {
	if text == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := fmt.Fprintf(r.w, "  (%s)\n", Plain(text))
	return err
}

// AnswerInline prints the results of an inline query.
func (r *Replier) AnswerInline(_ context.Context, _ string, results []handlers.InlineResult) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	b.WriteString("  Inline-Ergebnisse:\n")
	for i, res := range results {
		kind := "Nachricht"
		if res.Contact != nil {
			kind = "Kontakt " + res.Contact.Phone
		}
		fmt.Fprintf(&b, "   %d. %s – %s (%s)\n", i+1, stripMarks(res.Title), stripMarks(res.Description), kind)
	}
	b.WriteString("\n")
	_, err := io.WriteString(r.w, b.String())
	return err
}

// press returns the button of number n (1-based) shown since the last input.
func (r *Replier) press(n int) (handlers.Button, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n < 1 || n > len(r.buttons) {
		return handlers.Button{}, false
	}
	return r.buttons[n-1], true
}

// forget drops the numbered buttons (the user typed something new).
func (r *Replier) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buttons = nil
}

// Plain turns Telegram HTML into terminal text: tags stripped, entities
// unescaped, bidirectional marks removed.
func Plain(s string) string {
	return stripMarks(htmltext.Plain(s))
}

func stripMarks(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069':
			return -1
		}
		return r
	}, s)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func vUnescape(s string) string {
	return strings.NewReplacer(`\n`, " ", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}
