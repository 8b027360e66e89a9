package handlers

import (
	"context"

	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// answerSmallTalk answers greetings, thanks, goodbyes, yes and no shortly.
func (h *Handler) answerSmallTalk(ctx context.Context, t *turn, cls intent.Result) error {
	id := "small_hello"
	if len(cls.Kinds) > 0 {
		id = "small_" + string(cls.Kinds[0])
	}
	return h.say(ctx, t, id, nil)
}

// answerQuestion answers a question about the service with what the data
// knows, else with the provider's number (district known) or the question
// for the place.
func (h *Handler) answerQuestion(ctx context.Context, t *turn, cls intent.Result) error {
	lang := h.lang(t)
	kind := intent.KindHours
	if len(cls.Kinds) > 0 {
		kind = cls.Kinds[0]
	}
	text := h.text(lang, "question_"+string(kind), nil)
	if d, ok := h.cfg.Directory.District(t.st.District); ok && t.st.District != "" {
		text += "\n\n" + h.providerLine(lang, d)
		return h.send(ctx, t, Message{Text: text, Buttons: h.cardButtons(t, lang, d)})
	}
	text += "\n\n" + h.text(lang, "question_place", nil)
	return h.send(ctx, t, Message{Text: text})
}

// answerOther answers a sentence that is neither a place nor anything known:
// a friendly hint instead of "not found".
func (h *Handler) answerOther(ctx context.Context, t *turn) error {
	lang := h.lang(t)
	if d, ok := h.cfg.Directory.District(t.st.District); ok && t.st.District != "" {
		return h.send(ctx, t, Message{Text: h.text(lang, "other_known", nil) + "\n\n" + h.providerLine(lang, d)})
	}
	return h.say(ctx, t, "other_general", nil)
}
