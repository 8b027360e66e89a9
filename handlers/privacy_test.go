package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// TestDeleteNeedsTheOpenQuestionsButton: while a /loeschen question is open,
// only its own "Ja" deletes. The button of an earlier question and a forged one
// (the right step, another nonce) are refused and delete nothing (the refusal
// closes the question, so each bad button gets a fresh one).
func TestDeleteNeedsTheOpenQuestionsButton(t *testing.T) {
	bc := &fakeBroadcaster{}
	c := newChat(t, func(cfg *handlers.Config) { cfg.Broadcaster = bc })
	ctx := context.Background()
	c.say("Walsrode")
	c.press("v1|a|walsrode") // subscribe: something to delete
	if subs, _ := c.store.Subscriptions(ctx, c.id); len(subs) != 1 {
		t.Fatalf("subscriptions = %v", subs)
	}
	old := button(t, c.say("/loeschen"), "v1|x|").Data // an earlier question's button
	for _, bad := range []string{"old", "forged"} {
		current := button(t, c.say("/loeschen"), "v1|x|").Data // the question now open
		data := old
		if bad == "forged" {
			data = "v1|x|" + strings.Repeat("A", len(strings.TrimPrefix(current, "v1|x|")))
		}
		if data == current {
			t.Fatalf("%s button %q equals the open question's", bad, data)
		}
		mustContain(t, texts(c.press(data)), "nicht mehr gültig")
		if subs, _ := c.store.Subscriptions(ctx, c.id); len(subs) != 1 {
			t.Errorf("%s button: subscriptions = %v, want kept", bad, subs)
		}
		if len(bc.forgot) != 0 {
			t.Errorf("%s button: ForgetChat called", bad)
		}
	}
	// The open question's own button deletes.
	current := button(t, c.say("/loeschen"), "v1|x|").Data
	mustContain(t, texts(c.press(current)), "Alle Daten zu diesem Chat sind gelöscht")
	if subs, _ := c.store.Subscriptions(ctx, c.id); len(subs) != 0 {
		t.Errorf("subscriptions = %v after deleting", subs)
	}
	if len(bc.forgot) != 1 {
		t.Errorf("ForgetChat calls = %v", bc.forgot)
	}
}
