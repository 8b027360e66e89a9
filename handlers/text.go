package handlers

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// handleText answers a plain text: what it is about decides the answer.
//
//  1. A crisis gets help at once: emergency numbers and the fitting help
//     lines, then the local provider when the place is known.
//  2. A need is acknowledged and remembered (its topic only); with a place it
//     is answered by the card with the matching offering first, else the
//     parent is asked where they live.
//  3. Small talk gets a short friendly answer.
//  4. A place is resolved as always; a question about the service gets what
//     the data knows, else the provider's number or the question for the place.
//
// Nothing of the text is stored or logged.
func (h *Handler) handleText(ctx context.Context, t *turn, text string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "" || !utf8.ValidString(text) && strings.TrimSpace(strings.ToValidUTF8(text, "")) == "":
		if t.u.Group {
			// A bare "@ourbot" in a group: say how to ask there.
			return h.handleJoined(ctx, t)
		}
		return h.say(ctx, t, "empty_text", nil)
	case utf8.RuneCountInString(text) > maxPlaceTextRunes:
		// A long text may still be a cry for help: classify its beginning.
		if res := h.cls.Classify(string([]rune(text)[:maxPlaceTextRunes])); res.Intent == intent.Crisis {
			h.textLang(t, res)
			return h.answerCrisis(ctx, t, res, directory.Result{Status: directory.StatusUnknown})
		}
		return h.say(ctx, t, "too_long", nil)
	}
	text = strings.ToValidUTF8(text, "")
	cls := h.cls.Classify(text)
	res := h.cfg.Directory.Resolve(text)
	if h.cfg.Observe != nil {
		h.cfg.Observe(res.Status)
	}
	h.textLang(t, cls)
	switch cls.With(res.Status != directory.StatusUnknown) {
	case intent.Crisis:
		return h.answerCrisis(ctx, t, cls, res)
	case intent.Need:
		return h.answerNeed(ctx, t, cls, res, text)
	case intent.SmallTalk:
		return h.answerSmallTalk(ctx, t, cls)
	case intent.Other:
		if len(cls.Kinds) > 0 {
			return h.answerQuestion(ctx, t, cls)
		}
		if len(res.Candidates) == 0 && cls.Lang != "" && len(strings.Fields(text)) >= 3 {
			// A sentence in a known language without a place: no "not found".
			return h.answerOther(ctx, t)
		}
	}
	return h.answerResult(ctx, t, res, text)
}

// textLang answers in the message's own language when the chat has not
// chosen one with /sprache and the message is clearly in one of the bot's
// offered languages (a Ukrainian parent writing Ukrainian from a German phone).
func (h *Handler) textLang(t *turn, cls intent.Result) {
	if t.st.Lang == "" && h.offers(cls.Lang) {
		t.msgLang = cls.Lang
	}
}

// knownDistrict is the district named in the message, else the chat's last
// one; ok is false when neither is known.
func (h *Handler) knownDistrict(t *turn, res directory.Result) (directory.District, bool) {
	id := t.st.District
	if res.Status == directory.StatusMatch {
		id = res.District
	}
	if id == "" {
		return directory.District{}, false
	}
	return h.cfg.Directory.District(id)
}

// providerLine names the district's provider with its numbers, for answers
// that are not the full card.
func (h *Handler) providerLine(lang string, d directory.District) string {
	return h.text(lang, "provider_line", map[string]any{
		"District": i18n.Embed(lang, esc(d.Name)), "Provider": i18n.Embed(lang, esc(d.Provider)), "Phones": phoneList(lang, d),
	})
}
