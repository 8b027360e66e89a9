package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// MenuSync keeps Telegram's own surfaces of the bot as the conversation wants
// them: the command menu per scope (all private chats, all group chats, group
// administrators, and each staff member's private chat) and language, and the
// description and short description per language. It reads what Telegram has
// first (getMyCommands, getMyDescription, getMyShortDescription) and calls a
// set method only where that differs, so a restart changes nothing.
//
// It runs in the background and never blocks serving: temporary failures
// (network, 5xx, 429) are retried with backoff, a request Telegram rejects
// (e.g. 400 "chat not found" for a staff member who never opened the bot) is
// logged and left alone until the next Set.
type MenuSync struct {
	api     *tgbot.Bot
	token   string
	log     *slog.Logger
	metrics Metrics
	opts    MenuSyncOptions
	want    chan MenuSpec // capacity 1: the latest spec not yet taken
	staff   []int64       // the staff chats of the spec taken last
}

// MenuSpec is what Telegram should show.
type MenuSpec struct {
	// Menus in the offered languages. The German one is also registered without a
	// language code (the default for every other app language); the others with
	// theirs. A language not listed falls back to the default.
	Menus []handlers.Menu
	// Staff are the user ids of staff members: their private chats get Menu.Staff.
	Staff []int64
	// Remove are language codes whose lists and descriptions are removed where
	// set (supported languages that are not offered).
	Remove []string
}

// MenuSyncOptions configure a MenuSync; the zero value is fine.
type MenuSyncOptions struct {
	MinBackoff time.Duration // first wait before retrying temporary failures (default 2 s)
	MaxBackoff time.Duration // longest wait (default 5 min)
	// OnPass, when set, is told the outcome of every pass (for tests).
	OnPass func(MenuReport)
}

// MenuReport is the outcome of one pass over the surfaces.
type MenuReport struct {
	Checked int // surfaces compared with Telegram
	Changed int // set or removed because they differed
	Failed  int // rejected by Telegram: left alone
	Retry   int // failed temporarily: retried after a backoff
}

// NewMenuSync returns a MenuSync over the bot's Bot API client; call Run and Set.
func (b *Bot) NewMenuSync(o MenuSyncOptions) *MenuSync {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 2 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(5*time.Minute, o.MinBackoff)
	}
	return &MenuSync{api: b.api, token: b.opts.Token, log: b.log, metrics: b.metrics, opts: o,
		want: make(chan MenuSpec, 1)}
}

// Set makes spec the wanted state; a Set before the previous one was done
// replaces it. It never blocks.
func (s *MenuSync) Set(spec MenuSpec) {
	for {
		select {
		case s.want <- spec:
			return
		default:
			select {
			case <-s.want:
			default:
			}
		}
	}
}

// Run brings the surfaces to the latest spec given to Set, and again after
// every Set, until ctx ends.
func (s *MenuSync) Run(ctx context.Context) {
	var pending []menuItem
	backoff := s.opts.MinBackoff
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case spec := <-s.want:
			pending = s.items(spec)
			backoff = s.opts.MinBackoff
		case <-retry:
		}
		retry = nil
		if len(pending) == 0 {
			continue
		}
		var wait time.Duration
		var rep MenuReport
		pending, wait, rep = s.pass(ctx, pending)
		if ctx.Err() != nil {
			return
		}
		if len(pending) > 0 {
			wait = max(wait, backoff)
			backoff = min(backoff*2, s.opts.MaxBackoff)
			retry = time.After(wait)
			s.log.Warn("telegram menu: some surfaces failed; retrying", "checked", rep.Checked,
				"changed", rep.Changed, "failed", rep.Failed, "retry", rep.Retry, "retry_in", wait)
		} else {
			s.log.Info("telegram menu and descriptions in place", "checked", rep.Checked,
				"changed", rep.Changed, "failed", rep.Failed)
		}
		if s.opts.OnPass != nil {
			s.opts.OnPass(rep)
		}
	}
}

// Surface kinds.
const (
	surfaceCommands = iota
	surfaceDescription
	surfaceShort
)

// menuItem is one surface: a command list of a scope and language, or a
// description or short description of a language.
type menuItem struct {
	kind     int
	scope    models.BotCommandScope // commands only
	where    string                 // the scope for logs
	lang     string                 // "" for the default
	commands []models.BotCommand    // wanted; empty: none
	text     string                 // wanted description; "": none
}

// items lists the surfaces of spec in a fixed order: per language (the
// default first) the command lists of all private chats, all group chats,
// group administrators and each staff chat, then the description and the short
// description; then the languages to remove; then the chats of staff members
// no longer listed.
func (s *MenuSync) items(spec MenuSpec) []menuItem {
	var out []menuItem
	add := func(lang string, m handlers.Menu, staff []int64) {
		out = append(out,
			menuItem{kind: surfaceCommands, scope: &models.BotCommandScopeAllPrivateChats{}, where: "all_private_chats", lang: lang, commands: botCommands(m.Private)},
			menuItem{kind: surfaceCommands, scope: &models.BotCommandScopeAllGroupChats{}, where: "all_group_chats", lang: lang, commands: botCommands(m.Group)},
			menuItem{kind: surfaceCommands, scope: &models.BotCommandScopeAllChatAdministrators{}, where: "all_chat_administrators", lang: lang, commands: botCommands(m.GroupAdmin)})
		for _, id := range staff {
			out = append(out, menuItem{kind: surfaceCommands, scope: &models.BotCommandScopeChat{ChatID: id},
				where: fmt.Sprintf("chat %d (staff)", id), lang: lang, commands: botCommands(m.Staff)})
		}
		out = append(out,
			menuItem{kind: surfaceDescription, where: "description", lang: lang, text: m.Description},
			menuItem{kind: surfaceShort, where: "short description", lang: lang, text: m.ShortDescription})
	}
	langs := []string{""}
	for _, m := range spec.Menus {
		lang := m.Lang
		if lang == i18n.Default {
			lang = ""
		}
		if slices.Contains(langs[1:], lang) {
			continue
		}
		if lang != "" {
			langs = append(langs, lang)
		}
		add(lang, m, spec.Staff)
	}
	for _, lang := range spec.Remove {
		if lang == "" || lang == i18n.Default || slices.Contains(langs, lang) {
			continue
		}
		langs = append(langs, lang)
		add(lang, handlers.Menu{}, spec.Staff)
	}
	for _, id := range s.staff {
		if slices.Contains(spec.Staff, id) {
			continue
		}
		for _, lang := range langs {
			out = append(out, menuItem{kind: surfaceCommands, scope: &models.BotCommandScopeChat{ChatID: id},
				where: fmt.Sprintf("chat %d (no longer staff)", id), lang: lang})
		}
	}
	s.staff = slices.Clone(spec.Staff)
	return out
}

func botCommands(cs []handlers.MenuCommand) []models.BotCommand {
	out := make([]models.BotCommand, 0, len(cs))
	for _, c := range cs {
		out = append(out, models.BotCommand{Command: c.Command, Description: c.Description})
	}
	return out
}

// pass syncs every item once. It returns the items to retry and the longest
// retry_after Telegram asked for.
func (s *MenuSync) pass(ctx context.Context, items []menuItem) (retry []menuItem, wait time.Duration, rep MenuReport) {
	for i, it := range items {
		if ctx.Err() != nil {
			return items[i:], 0, rep
		}
		changed, err := s.sync(ctx, it)
		rep.Checked++
		if changed {
			rep.Changed++
		}
		if err == nil {
			continue
		}
		var ra *handlers.RetryAfterError
		switch {
		case errors.As(err, &ra):
			wait = max(wait, ra.After)
			fallthrough
		case !errors.Is(err, handlers.ErrBadRequest) && !errors.Is(err, handlers.ErrBlocked):
			rep.Retry++
			retry = append(retry, it)
		default:
			rep.Failed++
			s.log.Warn("telegram menu: Telegram rejected a surface; left as it is", "surface", it.where,
				"lang", it.lang, "err", err)
		}
	}
	return retry, wait, rep
}

// sync brings one surface to what is wanted: it asks Telegram what it has
// and sets it only when that differs.
func (s *MenuSync) sync(ctx context.Context, it menuItem) (changed bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	fail := func(method string, err error) (bool, error) {
		e := classify(ctx, method, s.token, err)
		s.metrics.APIError(e.Code)
		return changed, e
	}
	switch it.kind {
	case surfaceCommands:
		have, err := s.api.GetMyCommands(ctx, &tgbot.GetMyCommandsParams{Scope: it.scope, LanguageCode: it.lang})
		if err != nil {
			return fail("getMyCommands", err)
		}
		if slices.Equal(have, it.commands) || len(have) == 0 && len(it.commands) == 0 {
			return false, nil
		}
		changed = true
		if len(it.commands) == 0 {
			if _, err := s.api.DeleteMyCommands(ctx, &tgbot.DeleteMyCommandsParams{Scope: it.scope, LanguageCode: it.lang}); err != nil {
				return fail("deleteMyCommands", err)
			}
			return true, nil
		}
		if _, err := s.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: it.commands, Scope: it.scope, LanguageCode: it.lang}); err != nil {
			return fail("setMyCommands", err)
		}
	case surfaceDescription:
		have, err := s.api.GetMyDescription(ctx, &tgbot.GetMyDescriptionParams{LanguageCode: it.lang})
		if err != nil {
			return fail("getMyDescription", err)
		}
		if have.Description == it.text {
			return false, nil
		}
		changed = true
		if _, err := s.api.SetMyDescription(ctx, &tgbot.SetMyDescriptionParams{Description: it.text, LanguageCode: it.lang}); err != nil {
			return fail("setMyDescription", err)
		}
	case surfaceShort:
		have, err := s.api.GetMyShortDescription(ctx, &tgbot.GetMyShortDescriptionParams{LanguageCode: it.lang})
		if err != nil {
			return fail("getMyShortDescription", err)
		}
		if have.ShortDescription == it.text {
			return false, nil
		}
		changed = true
		if _, err := s.api.SetMyShortDescription(ctx, &tgbot.SetMyShortDescriptionParams{ShortDescription: it.text, LanguageCode: it.lang}); err != nil {
			return fail("setMyShortDescription", err)
		}
	}
	return changed, nil
}
