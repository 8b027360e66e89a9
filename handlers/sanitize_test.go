package handlers_test

import (
	"context"
	"strings"
	"testing"
)

// hidden are the characters no incoming text may carry on into a reply, a stored
// announcement or the resolver: bidi controls, zero-width characters, NUL and
// other controls.
var hidden = []string{
	"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
	"\u200e", "\u200f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x00", "\x07", "\u0085", "\u009b",
}

func mustBeClean(t *testing.T, what, s string) {
	t.Helper()
	for _, h := range hidden {
		if strings.Contains(s, h) {
			t.Errorf("%s carries %U: %q", what, []rune(h)[0], s)
		}
	}
}

// A message of nothing but invisible characters is an empty message, not a
// place name to quote back.
func TestInvisibleTextIsEmpty(t *testing.T) {
	for _, in := range []string{"\u200b", "\u200b\u200b \u2060", "\ufeff", "\u202e\u2066", "\x00", " \u200d "} {
		c := newChat(t)
		outs := c.say(in)
		mustContain(t, texts(outs), "keinen Text erhalten")
		mustNotContain(t, texts(outs), "Zu „", "keinen Ort")
		mustBeClean(t, "answer", texts(outs))
	}
}

// Hidden characters inside a place name neither break the resolution nor reach
// the answer.
func TestHiddenCharactersInPlaceNames(t *testing.T) {
	c := newChat(t)
	for _, in := range []string{"Dorf\u200bmark", "\u202eDorfmark\u202c", "Dorf\u00admark", "\u2066Dorfmark\u2069\x00", "Dorfmark\ufeff"} {
		outs := c.say(in)
		mustContain(t, texts(outs), "<b>Dorfmark</b> gehört zum")
		mustBeClean(t, in, texts(outs))
	}
	// An unknown name is quoted without them (and in NFC: "e" + U+0301 is "é").
	outs := c.say("Xyz\u202eqwe\u200bz Cafe\u0301")
	mustContain(t, texts(outs), "Xyzqwez Café")
	mustBeClean(t, "quote", texts(outs))

	// Inline queries are cleaned the same way; callback data that needed cleaning
	// is forged (the bot's own is plain ASCII) and answered as a stale button.
	outs = c.inline("Dorf\u200bmark")
	if len(outs) != 1 || len(outs[0].Results) == 0 || !strings.Contains(outs[0].Results[0].Title, "Dorfmark") {
		t.Errorf("inline query with U+200B: %+v", outs)
	}
	outs = c.press("v1|l|\u200ben")
	if len(outs) == 0 || outs[0].Kind != "callback" || !strings.Contains(outs[0].Callback, "nicht mehr gültig") {
		t.Errorf("callback data with U+200B: %+v", outs)
	}
}

// The staff's announcement text and place keep no bidi controls, zero-width
// characters or NUL: not in the preview, not in the queued broadcast.
func TestAnnouncementTextIsSanitised(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.subscribe(t, "walsrode", 1)
	e.say("/ankuendigung")
	e.say("walsrode")
	outs := e.say("Eltern\u202ecafé\x00 \u2066heute\u2069\u200b\nOrt: Rat\u202ehaus\u200b\x00")
	if len(outs) != 2 {
		t.Fatalf("want preview and question, got %s", texts(outs))
	}
	mustContain(t, outs[0].Msg.Text, "Elterncafé heute", "Rathaus")
	mustBeClean(t, "preview", outs[0].Msg.Text)
	e.press(button(t, outs, "v1|s|ok|").Data)
	l := e.broadcasts(t)
	if len(l) != 1 {
		t.Fatalf("broadcasts = %+v", l)
	}
	meta, err := e.rdb.HGetAll(context.Background(), e.pfx+":bc:"+l[0].ID).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"text", "where", "html"} {
		mustBeClean(t, "queued "+f, meta[f])
	}
	if meta["text"] != "Elterncafé heute" || meta["where"] != "Rathaus" {
		t.Errorf("queued text %q, place %q", meta["text"], meta["where"])
	}
}
