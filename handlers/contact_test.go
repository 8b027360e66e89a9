package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// A shared contact card is answered sensibly (not "no text") and nothing of it,
// nor anything else, is stored for it.
func TestSharedContactCard(t *testing.T) {
	c := newChat(t)
	ctx := context.Background()
	share := func(own bool) []out {
		u := c.update()
		u.Contact = &handlers.SharedContact{Own: own}
		return c.handle(u)
	}
	outs := share(true)
	mustContain(t, texts(outs), "Ihre Telefonnummer brauche ich nicht", "nicht gespeichert", "Wohnort")
	mustNotContain(t, texts(outs), "keinen Text erhalten")
	if n := c.rdb.Exists(ctx, c.pfx+":chat:4711").Val(); n != 0 {
		t.Error("a shared contact stored state")
	}
	// With a remembered district, the provider's own card is one button away.
	c.say("Dorfmark")
	before, _ := c.rdb.Get(ctx, c.pfx+":chat:4711").Result()
	outs = share(false)
	mustContain(t, texts(outs), "Kontaktdaten anderer Menschen brauche ich nicht", "Vier Linden GmbH &amp; Co. KG")
	if b := button(t, outs, "v1|c|bad-fallingbostel-osterheide"); !strings.Contains(b.Text, "Kontakt") {
		t.Errorf("button %+v", b)
	}
	if after, _ := c.rdb.Get(ctx, c.pfx+":chat:4711").Result(); after != before {
		t.Errorf("a shared contact changed the state:\n%s\n%s", before, after)
	}
	c.lang = "en"
	mustContain(t, texts(share(true)), "I do not need your phone number")
}
