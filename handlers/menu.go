package handlers

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// What Telegram's apps show of the bot around the conversation: the command
// menu (per chat kind, per language) and the bot's description and short
// description. The texts are in handlers/i18n/locales/menu.<lang>.toml; the
// transport registers them (bot.MenuSync).

// MenuCommand is one entry of Telegram's command menu.
type MenuCommand struct {
	Command     string // without "/": 1-32 characters a-z, 0-9 and _
	Description string // 1-256 characters
}

// Menu is everything Telegram shows of the bot in one language.
type Menu struct {
	Lang string // language code, e.g. "de"

	Private    []MenuCommand // every private chat
	Group      []MenuCommand // every group chat: what makes sense in front of everyone
	GroupAdmin []MenuCommand // administrators of groups: Group plus the group's subscription and data
	Staff      []MenuCommand // the private chat of each staff member: Private plus the staff commands

	Description      string // the empty chat before "Start" (at most MaxDescription)
	ShortDescription string // the profile page and shared links (at most MaxShortDescription)
}

// Telegram's limits, counted in UTF-16 code units.
const (
	MaxDescription        = 512
	MaxShortDescription   = 120
	MaxCommandDescription = 256
)

// Where a menu command is offered.
const (
	inPrivate = 1 << iota
	inGroup
	inGroupAdmin
	inStaff
)

// menuCommands lists the menu in its order: the German name (offered to
// German users), the English one (everybody else; Telegram allows only Latin
// letters), the catalogue message id of its description, and where it is shown.
var menuCommands = []struct {
	de, en, id string
	where      int
}{
	{"start", "start", "menu_cmd_start", inPrivate | inStaff},
	{"hilfe", "help", "menu_cmd_help", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"bezirke", "districts", "menu_cmd_districts", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"angebote", "offers", "menu_cmd_offers", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"kontakt", "contact", "menu_cmd_contact", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"notfall", "emergency", "menu_cmd_emergency", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"sprache", "language", "menu_cmd_language", inPrivate | inStaff},
	{"abo", "subscribe", "menu_cmd_subscribe", inPrivate | inGroupAdmin | inStaff},
	{"abbestellen", "unsubscribe", "menu_cmd_unsubscribe", inPrivate | inGroupAdmin | inStaff},
	{"termine", "events", "menu_cmd_events", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"datenschutz", "privacy", "menu_cmd_privacy", inPrivate | inGroup | inGroupAdmin | inStaff},
	{"meinedaten", "mydata", "menu_cmd_mydata", inPrivate | inGroupAdmin | inStaff},
	{"loeschen", "delete", "menu_cmd_delete", inPrivate | inGroupAdmin | inStaff},
	{"rueckruf", "callback", "menu_cmd_callback", inPrivate | inStaff},
	{"ankuendigung", "announce", "menu_cmd_announce", inStaff},
	{"ankuendigungen", "broadcasts", "menu_cmd_broadcasts", inStaff},
	{"stopp", "stop", "menu_cmd_stop", inStaff},
	{"korrigieren", "correct", "menu_cmd_correct", inStaff},
	{"zurueckholen", "recall", "menu_cmd_recall", inStaff},
	{"rueckrufe", "callbacks", "menu_cmd_callbacks", inStaff},
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Menus returns the menus of the given languages (e.g. the configured
// LANGUAGES) that have a catalogue, in the given order, without duplicates.
// Languages without a catalogue are left out: their users see the German
// default. An error names every text that breaks a Telegram limit.
func Menus(langs []string) ([]Menu, error) {
	cat, err := i18n.New()
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	var out []Menu
	var errs []error
	seen := map[string]bool{}
	for _, tag := range langs {
		lang := i18n.Match(tag)
		base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(tag, "_", "-")), "-")
		if lang != base || seen[lang] {
			continue
		}
		seen[lang] = true
		m, err := menuFor(cat, lang)
		out = append(out, m)
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// menuFor builds the menu of one supported language.
func menuFor(cat *i18n.Catalogue, lang string) (Menu, error) {
	var errs []error
	text := func(id string, limit int) string {
		s, err := cat.Text(lang, id, nil)
		s = strings.TrimSpace(s)
		switch {
		case err != nil:
			errs = append(errs, err)
		case s == "":
			errs = append(errs, fmt.Errorf("menu %s/%s is empty", lang, id))
		case len(utf16.Encode([]rune(s))) > limit:
			errs = append(errs, fmt.Errorf("menu %s/%s is longer than Telegram's %d characters", lang, id, limit))
		}
		return s
	}
	m := Menu{
		Lang:             lang,
		Description:      text("menu_description", MaxDescription),
		ShortDescription: text("menu_short_description", MaxShortDescription),
	}
	for _, c := range menuCommands {
		name := c.en
		if lang == i18n.Default {
			name = c.de
		}
		if !commandName.MatchString(name) {
			errs = append(errs, fmt.Errorf("menu command %q is not a valid Telegram command", name))
		}
		mc := MenuCommand{Command: name, Description: text(c.id, MaxCommandDescription)}
		for _, in := range []struct {
			bit  int
			list *[]MenuCommand
		}{{inPrivate, &m.Private}, {inGroup, &m.Group}, {inGroupAdmin, &m.GroupAdmin}, {inStaff, &m.Staff}} {
			if c.where&in.bit != 0 {
				*in.list = append(*in.list, mc)
			}
		}
	}
	return m, errors.Join(errs...)
}

// menuCommandNames lists every command name the menus offer, for tests.
func menuCommandNames() []string {
	var out []string
	for _, c := range menuCommands {
		out = append(out, c.de, c.en)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
