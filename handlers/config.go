package handlers

import (
	"log/slog"
	"time"

	"github.com/heidekreis/sozialraumbot/directory"
)

// StaffMember is a Telegram user allowed to send announcements.
type StaffMember struct {
	UserID    int64
	All       bool     // may announce to every district
	Districts []string // district ids, when All is false
}

// Config wires a Handler. Directory and Store are required.
type Config struct {
	Directory   *directory.Directory
	Store       Store
	Broadcaster Broadcaster // nil: announcements and /termine are switched off
	Staff       []StaffMember
	// Callbacks switches on callback requests ("📞 Rückruf erbitten"); no Desk: off.
	Callbacks CallbackConfig
	// Operator names who runs the bot (for /datenschutz), e.g. "Landkreis Heidekreis, Jugendamt, ...".
	Operator string
	// StateTTL is how long dialogue state is kept after the last message
	// (default defaults.StateTTL, 30 days).
	StateTTL time.Duration
	// BotUsername is the bot's @username without "@", for inline-mode hints; may be
	// empty. A transport that learns it later (getMe) calls Handler.SetBotUsername.
	BotUsername string
	// Languages are the languages offered: in /sprache and when answering in the
	// user's app language. German is always offered; languages without a catalogue
	// are ignored. Empty: every language with a catalogue (i18n.Supported).
	Languages []string
	Logger    *slog.Logger     // default slog.Default()
	Now       func() time.Time // default time.Now
	// Observe, when set, is told the outcome status of every place resolution (for metrics).
	Observe func(status directory.Status)
	// StoreFailed, when set, is told the operation of every failed Store call
	// (e.g. "load state"), for metrics; the conversation carries on without memory.
	StoreFailed func(op string)
	// CrisisAnswered, when set, is told the language of every crisis answer
	// (for metrics). Nothing else of the message is passed on, stored or logged.
	CrisisAnswered func(lang string)
}
