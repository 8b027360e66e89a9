package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// Handler is the parents' conversation: it turns one Update into replies and
// remembers what it needs in the Store. It is safe for concurrent use; updates of
// one chat must be handled in order (the transport serialises them).
type Handler struct {
	cfg     Config
	cat     *i18n.Catalogue
	cls     *intent.Classifier
	langs   []string // offered languages, German first (Config.Languages)
	botName atomic.Pointer[string]
	admins  *adminCache
}

// New checks cfg, fills in defaults (Logger, Now, StateTTL) and loads the catalogues.
func New(cfg Config) (*Handler, error) {
	if cfg.Directory == nil {
		return nil, errors.New("handlers: Config.Directory is required")
	}
	if cfg.Store == nil {
		return nil, errors.New("handlers: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StateTTL <= 0 {
		cfg.StateTTL = defaults.StateTTL
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	cls, err := intent.New()
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	h := &Handler{cfg: cfg, cat: cat, cls: cls, langs: offeredLanguages(cfg.Languages), admins: newAdminCache(cfg.Now)}
	h.SetBotUsername(cfg.BotUsername)
	return h, nil
}

// offeredLanguages keeps the supported languages among want, in the catalogue's
// order, German always first; none wanted means all.
func offeredLanguages(want []string) []string {
	all := i18n.Supported()
	if len(want) == 0 {
		return all
	}
	out := []string{i18n.Default}
	for _, l := range all {
		if l == i18n.Default {
			continue
		}
		for _, w := range want {
			if strings.EqualFold(baseLang(w), l) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

// baseLang is the primary subtag of a language tag ("en" of "en-GB").
func baseLang(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	return base
}

// offers reports whether lang is one of the offered languages.
func (h *Handler) offers(lang string) bool { return slices.Contains(h.langs, lang) }

// SetBotUsername sets the bot's @username (without "@") once the transport knows
// it, e.g. from getMe after start. It is safe to call while updates are handled.
func (h *Handler) SetBotUsername(name string) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	h.botName.Store(&name)
}

// botUsername is the bot's @username without "@", "" when not known.
func (h *Handler) botUsername() string {
	if p := h.botName.Load(); p != nil {
		return *p
	}
	return ""
}

// turn is the handling of one update: the update, the chat's state and what
// happened to it.
type turn struct {
	r       Replier
	u       Update
	st      State
	stateOK bool   // the state was loaded; false when the store is unavailable
	deleted bool   // /loeschen ran: save nothing
	msgLang string // the language the message is written in, when it answers (see textLang)
	need    string // the need (topic) of this message, also when the state is unavailable
}

// Handle answers one update. It returns an error only when a reply could not be
// sent (the transport decides about retries); store failures are logged and the
// conversation degrades to answering without memory.
func (h *Handler) Handle(ctx context.Context, r Replier, u Update) error {
	u = sanitizeUpdate(u)
	if u.Inline != nil {
		return h.handleInline(ctx, r, u)
	}
	t := &turn{r: r, u: u}
	st, err := h.cfg.Store.LoadState(ctx, u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "load state", u.ChatID, err)
	} else {
		t.st, t.stateOK = st, true
	}
	before := cloneState(t.st)

	if u.Skipped > 0 {
		// The transport dropped earlier updates of a flood: say so once, then answer this one.
		if serr := h.say(ctx, t, "flood_skipped", map[string]any{"Count": u.Skipped}); serr != nil {
			return serr
		}
	}
	err = h.dispatch(ctx, t)
	if t.st.Step != stepConfirmDelete {
		t.st.Asker = 0 // only a pending /loeschen question needs its asker
	}
	if isCallbackStep(before.Step) && !isCallbackStep(t.st.Step) && !t.deleted {
		h.dropCallbackDraft(ctx, t) // the parent left a callback request half-written
	}

	if t.stateOK && !t.deleted {
		changed := !reflect.DeepEqual(before, t.st)
		// Saving refreshes the TTL: a changed state is saved (also when it became
		// empty, so that the old one is not read again), an unchanged one at most
		// hourly, and a chat with nothing to remember not at all.
		if changed || (!isZeroState(t.st) && h.cfg.Now().Sub(t.st.Updated) > time.Hour) {
			t.st.Updated = h.cfg.Now().UTC()
			if serr := h.cfg.Store.SaveState(ctx, u.ChatID, t.st); serr != nil {
				h.storeFailed(ctx, "save state", u.ChatID, serr)
			}
		}
	}
	return err
}

// dispatch routes an update to the staff dialogue, a command, a button, a
// location or the place resolver.
func (h *Handler) dispatch(ctx context.Context, t *turn) error {
	u := t.u
	if isStaffStep(t.st.Step) && u.Callback == nil && (u.Location != nil || u.Media != nil) {
		if handled, err := h.handleStaffStep(ctx, t.r, u, &t.st); handled || err != nil {
			return err
		}
	}
	if isCallbackStep(t.st.Step) && u.Callback == nil {
		if _, _, isCmd := parseCommand(u.Text); !isCmd {
			if handled, err := h.handleCallbackStep(ctx, t); handled || err != nil {
				return err
			}
		}
	}
	switch {
	case u.Joined:
		return h.handleJoined(ctx, t)
	case u.Callback != nil:
		return h.handleCallback(ctx, t)
	case u.Location != nil:
		return h.handleLocation(ctx, t)
	case u.Contact != nil:
		return h.handleContact(ctx, t)
	}
	if cmd, args, ok := parseCommand(u.Text); ok {
		return h.handleCommand(ctx, t, cmd, args)
	}
	if isStaffStep(t.st.Step) {
		handled, err := h.handleStaffStep(ctx, t.r, u, &t.st)
		if handled || err != nil {
			return err
		}
	}
	return h.handleText(ctx, t, u.Text)
}

// text translates message id into lang with data (values already HTML-escaped).
// It falls back to German, then to the id itself, and never panics.
func (h *Handler) text(lang, id string, data map[string]any) (s string) {
	defer func() {
		if p := recover(); p != nil {
			h.cfg.Logger.Error("message template panicked", "lang", lang, "id", id, "panic", fmt.Sprint(p))
			s = id
		}
	}()
	s, err := h.cat.Text(lang, id, data)
	if err != nil {
		h.cfg.Logger.Error("message catalogue", "lang", lang, "id", id, "err", err)
	}
	return s
}

// langOf is the language to answer in: the chat's choice (/sprache), else the
// user's app language, each only when offered (Config.Languages), else German.
func (h *Handler) langOf(u Update, st *State) string {
	if st != nil && st.Lang != "" {
		if l := i18n.Match(st.Lang); h.offers(l) {
			return l
		}
	}
	if l := i18n.Match(u.User.LanguageCode); h.offers(l) {
		return l
	}
	return i18n.Default
}

// lang is the language to answer the turn in: the message's own language
// when it was recognised and the chat chose none (see textLang), else langOf.
func (h *Handler) lang(t *turn) string {
	if t.msgLang != "" {
		return t.msgLang
	}
	return h.langOf(t.u, &t.st)
}

// storeFailed logs a store error without any message text.
func (h *Handler) storeFailed(ctx context.Context, op string, chatID int64, err error) {
	h.cfg.Logger.WarnContext(ctx, "store failed; answering without memory",
		"op", op, "chat_id", chatID, "unavailable", errors.Is(err, ErrStoreUnavailable), "err", err)
	if h.cfg.StoreFailed != nil {
		h.cfg.StoreFailed(op)
	}
}

func isStaffStep(step string) bool {
	return len(step) >= 5 && step[:5] == "staff"
}

func isZeroState(s State) bool {
	return reflect.DeepEqual(s, State{}) ||
		(s.Step == "" && s.District == "" && s.Place == "" && s.Lang == "" && len(s.Candidates) == 0 &&
			s.Draft == nil && s.Nonce == "" && s.Need == "" && s.Asker == 0)
}

// cloneState copies the state deeply enough to compare it after handling.
func cloneState(s State) State {
	c := s
	c.Candidates = append([]string(nil), s.Candidates...)
	if len(s.Candidates) == 0 {
		c.Candidates = s.Candidates
	}
	if s.Draft != nil {
		d := *s.Draft
		d.Districts = append([]string(nil), s.Draft.Districts...)
		if len(s.Draft.Districts) == 0 {
			d.Districts = s.Draft.Districts
		}
		if s.Draft.Media != nil {
			m := *s.Draft.Media
			d.Media = &m
		}
		if s.Draft.Venue != nil {
			v := *s.Draft.Venue
			d.Venue = &v
		}
		if s.Draft.Texts != nil {
			d.Texts = make(map[string]string, len(s.Draft.Texts))
			for k, v := range s.Draft.Texts {
				d.Texts[k] = v
			}
		}
		c.Draft = &d
	}
	return c
}
