package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func TestStart(t *testing.T) {
	c := newChat(t)
	for _, cmd := range []string{"/start", "/start@SozialraumBot", "/START", "  /start  "} {
		outs := c.say(cmd)
		if kinds(outs) != "send" {
			t.Fatalf("%s: sent %s", cmd, kinds(outs))
		}
		mustContain(t, outs[0].Msg.Text, "Wo wohnen Sie?", "Sozialraumarbeit")
		if outs[0].Msg.LocationButton == "" {
			t.Errorf("%s: no location button", cmd)
		}
	}
	if outs := c.say("/start@OtherBot"); len(outs) != 0 {
		t.Errorf("a command for another bot was answered: %v", texts(outs))
	}
}

func TestCommandsAnswer(t *testing.T) {
	tests := []struct {
		cmd   string
		wants []string
	}{
		{"/hilfe", []string{"/bezirke", "/notfall", "@SozialraumBot"}},
		{"/help", []string{"/bezirke"}},
		{"/bezirke", []string{"Sozialraumbezirk Stadt Walsrode", "Pestalozzi-Stiftung", "Vier Linden GmbH &amp; Co. KG", "(05193) 975-604", "0151-58262054"}},
		{"/districts", []string{"Sozialraumbezirk Stadt Munster / Gemeinde Bispingen"}},
		{"/notfall", []string{"110", "112", "116 111", "0800 111 0 550", "116 016"}},
		{"/emergency", []string{"116 016"}},
		{"/datenschutz", []string{"Landkreis Heidekreis, Jugendamt", "30 Tage", "/loeschen"}},
		{"/privacy", []string{"Landkreis Heidekreis, Jugendamt"}},
		{"/gibtsnicht", []string{"/hilfe"}},
		{"/angebote", []string{"Wohnort"}},
		{"/kontakt", []string{"Wohnort"}},
		{"/termine", []string{"Termin"}},
		{"/meinedaten", []string{"nichts gespeichert"}},
		{"/abbestellen", []string{"noch keine"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			c := newChat(t)
			outs := c.say(tt.cmd)
			if len(outs) == 0 {
				t.Fatal("no answer")
			}
			mustContain(t, texts(outs), tt.wants...)
		})
	}
	// Six districts listed.
	c := newChat(t)
	if n := strings.Count(texts(c.say("/bezirke")), "<b>Sozialraumbezirk"); n != 6 {
		t.Errorf("/bezirke lists %d districts, want 6", n)
	}
}

func TestPlaceAnswers(t *testing.T) {
	tests := []struct {
		name, text, district string
		wants                []string
	}{
		{"exact", "Dorfmark", "bad-fallingbostel-osterheide", []string{"<b>Dorfmark</b>", "Vier Linden GmbH &amp; Co. KG", "(05162) 985573", "0162-2084780", "Beratung zu allen Fragen"}},
		{"typo", "Dorfmrak", "bad-fallingbostel-osterheide", []string{"Dorfmark"}},
		{"sentence", "Hallo, wir wohnen in Dorfmark und suchen Hilfe", "bad-fallingbostel-osterheide", []string{"Dorfmark"}},
		{"postal code", "29640", "schneverdingen-neuenkirchen", []string{"Hilfen aus einer Hand GbR", "0151-12866299"}},
		{"lower case", "walsrode", "walsrode", []string{"Stephansstift", "(05161) 487272"}},
		{"Munster as Münster", "Münster", "munster-bispingen", []string{"0151-21266737"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			outs := c.say(tt.text)
			if kinds(outs) != "send" {
				t.Fatalf("sent %s", kinds(outs))
			}
			mustContain(t, outs[0].Msg.Text, tt.wants...)
			for _, p := range []string{"v1|c|" + tt.district, "v1|o|" + tt.district, "v1|a|" + tt.district, "v1|n"} {
				button(t, outs, p)
			}
			st, err := c.store.LoadState(context.Background(), c.id)
			if err != nil || st.District != tt.district {
				t.Errorf("remembered %+v, %v; want district %s", st, err, tt.district)
			}
		})
	}
}

func TestAmbiguousChoice(t *testing.T) {
	c := newChat(t)
	outs := c.say("29664")
	mustContain(t, texts(outs), "mehreren Orten")
	var labels []string
	for _, b := range buttons(outs) {
		labels = append(labels, b.Text)
	}
	joined := strings.Join(labels, "|")
	mustContain(t, joined, "Walsrode", "Ostenholz (Osterheide)")
	ostenholz := handlers.Button{}
	for _, b := range buttons(outs) {
		if strings.HasPrefix(b.Text, "Ostenholz") {
			ostenholz = b
		}
	}
	outs = c.press(ostenholz.Data)
	if kinds(outs) != "callback,send" {
		t.Fatalf("pressing a choice sent %s", kinds(outs))
	}
	mustContain(t, outs[1].Msg.Text, "Ostenholz", "Vier Linden")
	// The same button again: the question is answered, its state gone; a valid
	// place id still answers harmlessly.
	outs = c.press(ostenholz.Data)
	mustContain(t, texts(outs), "Ostenholz")
}

func TestOutsideAndUnknown(t *testing.T) {
	c := newChat(t)
	outs := c.say("Celle")
	mustContain(t, texts(outs), "nicht im Heidekreis", "Landkreis Celle", "Jugendamt")

	outs = c.say("Xylophonhausen")
	got := texts(outs)
	if len(buttons(outs)) > 1 {
		mustContain(t, got, "Meinten Sie")
	} else {
		mustContain(t, got, "keinen Ort im Heidekreis", "Xylophonhausen", "Postleitzahl")
	}
}

func TestAwkwardTexts(t *testing.T) {
	tests := []struct {
		name, text string
		wants      []string
		maxEcho    int // the longest run of the input that may be echoed
	}{
		{"empty", "", []string{"keinen Text"}, 0},
		{"spaces", "   \n\t ", []string{"keinen Text"}, 0},
		{"huge", strings.Repeat("Dorfmark ", 600), []string{"sehr lang"}, 0},
		{"emoji", "🙂🏡👨‍👩‍👧", []string{"Heidekreis"}, 0},
		{"html", "<script>alert(1)</script>", []string{"&lt;script&gt;"}, 0},
		{"cyrillic", "Мы живем в городе", []string{"Heidekreis"}, 0},
		{"arabic", "نحن نعيش في المدينة", []string{"Heidekreis"}, 0},
		{"invalid utf8", "\xff\xfe\xfd", []string{"keinen Text"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			outs := c.say(tt.text)
			if len(outs) == 0 {
				t.Fatal("no answer")
			}
			got := texts(outs)
			mustContain(t, got, tt.wants...)
			mustNotContain(t, got, "<script>")
			if strings.Contains(got, strings.Repeat("Dorfmark ", 6)) {
				t.Errorf("echoes too much of the input")
			}
		})
	}
	// A long but plausible message is echoed only as a short excerpt.
	c := newChat(t)
	long := "Guten Tag " + strings.Repeat("lalala ", 60)
	got := texts(c.say(long))
	if strings.Contains(got, strings.Repeat("lalala ", 8)) {
		t.Errorf("echoes more than a short excerpt:\n%s", got)
	}
}

func TestLocation(t *testing.T) {
	c := newChat(t)
	outs := c.locate(52.8617, 9.5936) // Walsrode town centre
	mustContain(t, texts(outs), "Ihr Standort liegt bei <b>Walsrode</b>", "Stephansstift")
	if st, _ := c.store.LoadState(context.Background(), c.id); st.District != "walsrode" {
		t.Errorf("location not remembered: %+v", st)
	}
	outs = c.locate(52.6250, 10.0810) // Celle
	mustContain(t, texts(outs), "außerhalb des Heidekreises", "Celle", "Jugendamt")
	outs = c.locate(48.137, 11.575) // München
	mustContain(t, texts(outs), "außerhalb des Heidekreises")
	outs = c.locate(999, 0)
	mustContain(t, texts(outs), "Wohnort")
}

func TestContactCard(t *testing.T) {
	c := newChat(t)
	c.say("Dorfmark")
	outs := c.press("v1|c|bad-fallingbostel-osterheide")
	if kinds(outs) != "callback,contact" {
		t.Fatalf("contact button sent %s", kinds(outs))
	}
	ct := outs[1].Contact
	if ct.Phone != "+495162985573" || ct.FirstName != "Vier Linden GmbH & Co. KG" {
		t.Errorf("contact = %+v", ct)
	}
	for _, want := range []string{
		"BEGIN:VCARD\r\nVERSION:3.0\r\n", "FN:Vier Linden GmbH & Co. KG\r\n",
		"ORG:Vier Linden GmbH & Co. KG;Sozialraumbezirk Stadt Bad Fallingbostel / Gemeindefreier Bezirk Osterheide\r\n",
		"TEL;TYPE=WORK,VOICE:+495162985573\r\n", "TEL;TYPE=CELL:+491622084780\r\n",
		"URL:https://www.familienwegweiser-heidekreis.de/familien-und-kinderservice\r\n", "END:VCARD\r\n",
	} {
		if !strings.Contains(ct.VCard, want) {
			t.Errorf("vCard lacks %q:\n%s", want, ct.VCard)
		}
	}
	// /kontakt later, without asking again.
	outs = c.say("/kontakt")
	if kinds(outs) != "contact" || outs[0].Contact.Phone != "+495162985573" {
		t.Errorf("/kontakt sent %s %+v", kinds(outs), outs)
	}
	// The Stephansstift district has two landlines: both WORK, no CELL.
	outs = c.press("v1|c|soltau-wietzendorf")
	mustContain(t, outs[1].Contact.VCard, "TEL;TYPE=WORK,VOICE:+4951914455\r\n", "TEL;TYPE=WORK,VOICE:+4951914425\r\n")
}

func TestOfferingsRemembered(t *testing.T) {
	c := newChat(t)
	mustContain(t, texts(c.say("/angebote")), "Wohnort")
	c.say("Walsrode")
	outs := c.say("/angebote")
	mustContain(t, texts(outs), "<b>Angebote im Sozialraumbezirk Stadt Walsrode</b>", "• Informationsveranstaltungen", "Stephansstift")
	outs = c.press("v1|o|munster-bispingen")
	mustContain(t, texts(outs), "Munster")
	outs = c.say("/offers")
	mustContain(t, texts(outs), "Walsrode") // the button shows, it does not re-remember
}

func TestInline(t *testing.T) {
	c := newChat(t)
	outs := c.inline("Dorfmark")
	if kinds(outs) != "inline" {
		t.Fatalf("sent %s", kinds(outs))
	}
	res := outs[0].Results
	var article, contact bool
	ids := map[string]bool{}
	for _, r := range res {
		if ids[r.ID] || len(r.ID) > 64 {
			t.Errorf("result id %q duplicate or too long", r.ID)
		}
		ids[r.ID] = true
		if r.Contact != nil && r.Contact.Phone == "+495162985573" {
			contact = true
		}
		if strings.Contains(r.Text, "Vier Linden GmbH &amp; Co. KG") && strings.Contains(r.Title, "Dorfmark") {
			article = true
		}
	}
	if !article || !contact {
		t.Errorf("inline results lack the card (%v) or the contact (%v): %+v", article, contact, res)
	}
	for _, q := range []string{"", "   ", "xyzzyqwerty", strings.Repeat("a", 300)} {
		outs := c.inline(q)
		if len(outs) != 1 || len(outs[0].Results) == 0 {
			t.Errorf("inline %q: %+v", q, outs)
		}
	}
}

func TestLanguages(t *testing.T) {
	c := newChat(t)
	c.lang = "ar-EG"
	outs := c.say("/start")
	got := outs[0].Msg.Text
	mustContain(t, got, "أين تسكنون؟")
	outs = c.say("Walsrode")
	card := outs[0].Msg.Text
	mustContain(t, card, "Stephansstift", i18n.LRE+"(05161) 487272"+i18n.PDF)
	for _, line := range strings.Split(card, "\n") {
		if line == "" {
			continue
		}
		first := []rune(strings.TrimLeft(htmltext.Plain(line), " "))
		isArabic := len(first) > 0 && first[0] >= 0x0600 && first[0] <= 0x06FF
		if !isArabic && !strings.HasPrefix(line, i18n.RLM) {
			t.Errorf("Arabic card line %q starts left to right without RLM", line)
		}
	}
	// Switch to English with /sprache; it sticks.
	outs = c.say("/sprache")
	b := button(t, outs, "v1|l|en")
	if b.Text != "English" {
		t.Errorf("language button %q", b.Text)
	}
	mustContain(t, strings.Join(func() []string {
		var s []string
		for _, b := range buttons(outs) {
			s = append(s, b.Text)
		}
		return s
	}(), " "), "Deutsch", "Українська", "العربية", "Türkçe")
	outs = c.press(b.Data)
	mustContain(t, texts(outs), "in English")
	mustContain(t, texts(c.say("/help")), "How I can help")
	mustContain(t, texts(c.say("Dorfmark")), "belongs to the", "Vier Linden")
	// Ukrainian and Turkish from the app language.
	for lang, want := range map[string]string{"uk": "Де ви живете?", "tr": "Nerede oturuyorsunuz?", "fr": "Wo wohnen Sie?"} {
		c := newChat(t)
		c.lang = lang
		mustContain(t, texts(c.say("/start")), want)
	}
}

func TestStaleAndForgedCallbacks(t *testing.T) {
	tests := []string{
		"", "garbage", "v2|p|abcdef|walsrode", "v1|p|abcdef|no-such-place", "v1|c|no-such-district",
		"v1|c|walsrode|extra", "v1|l|fr", "v1|x|wrongnonce", "v1|zz", "v1|p|<b>|walsrode",
		strings.Repeat("v1|c|", 20), "v1|c|walsrode\x00",
	}
	for _, data := range tests {
		t.Run(data, func(t *testing.T) {
			c := newChat(t)
			outs := c.press(data)
			if kinds(outs) != "callback,send" {
				t.Fatalf("sent %s", kinds(outs))
			}
			if !strings.Contains(outs[0].Callback, "nicht mehr gültig") {
				t.Errorf("callback notice %q", outs[0].Callback)
			}
			mustContain(t, outs[1].Msg.Text, "nicht mehr gültig", "Ort")
		})
	}
	// Staff buttons go to the staff dialogue, which answers the press itself.
	c := newChat(t)
	if outs := c.press("v1|s|x|forged"); len(outs) == 0 || outs[0].Kind != "callback" {
		t.Errorf("a forged staff button was not answered: %s", kinds(outs))
	}
	// A choice of an older question, replaced by a newer one, is stale.
	c = newChat(t)
	first := buttons(c.say("29664"))[0]
	c.say("29664") // asks again with a new nonce
	outs := c.press(first.Data)
	mustContain(t, outs[0].Callback, "nicht mehr gültig")
	// After the state expired (deleted here), a valid place id still answers.
	if err := c.rdb.Del(context.Background(), c.pfx+":chat:4711").Err(); err != nil {
		t.Fatal(err)
	}
	outs = c.press(first.Data)
	if kinds(outs) != "callback,send" || !strings.Contains(outs[1].Msg.Text, "gehört zum") {
		t.Errorf("expired but valid choice: %s %s", kinds(outs), texts(outs))
	}
}

func TestRedisDown(t *testing.T) {
	var failedOps []string // StoreFailed is called synchronously within Handle
	c := newChatWithStore(t, downStore(t), nil, "", func(cfg *handlers.Config) {
		cfg.StoreFailed = func(op string) { failedOps = append(failedOps, op) }
	})
	outs := c.say("Dorfmark")
	if len(failedOps) == 0 || failedOps[0] != "load state" {
		t.Errorf("StoreFailed saw %q, want the failed state load reported (for the Redis error metric)", failedOps)
	}
	mustContain(t, texts(outs), "Vier Linden")
	for _, cmd := range []string{"/angebote", "/kontakt", "/abo", "/meinedaten", "/loeschen", "/abbestellen"} {
		mustContain(t, texts(c.say(cmd)), "vorübergehend nicht verfügbar")
	}
	outs = c.press("v1|a|walsrode")
	mustContain(t, texts(outs), "vorübergehend nicht verfügbar")
	outs = c.press("v1|c|walsrode") // harmless buttons work without memory
	if kinds(outs) != "callback,contact" {
		t.Errorf("contact button without Redis: %s", kinds(outs))
	}
	logs := c.logs.String()
	mustContain(t, logs, "store failed", "chat_id=4711")
	mustNotContain(t, logs, "Dorfmark")
}

func TestSubscriptions(t *testing.T) {
	bc := &fakeBroadcaster{events: []handlers.Event{
		{BroadcastID: "b1", District: "walsrode", Text: "Elterncafé <am> Markt", When: time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC), Where: "Rathaus Walsrode"},
		{BroadcastID: "b2", District: "walsrode", Text: "Sprechstunde"},
	}}
	c := newChat(t, func(cfg *handlers.Config) { cfg.Broadcaster = bc })
	ctx := context.Background()
	mustContain(t, texts(c.say("/abo")), "Wohnort")
	outs := c.say("Walsrode") // answers and subscribes
	if len(outs) != 2 {
		t.Fatalf("sent %d messages", len(outs))
	}
	mustContain(t, outs[1].Msg.Text, "Ankündigungen für den <b>Sozialraumbezirk Stadt Walsrode</b>")
	if ids, _ := c.store.Subscribers(ctx, "walsrode"); len(ids) != 1 || ids[0] != c.id {
		t.Fatalf("subscribers = %v", ids)
	}
	mustContain(t, texts(c.say("/abo")), "bereits abonniert")
	outs = c.press("v1|a|munster-bispingen")
	mustContain(t, texts(outs), "Ihre Abos", "Munster", "Walsrode")

	outs = c.say("/termine")
	mustContain(t, texts(outs), "Donnerstag, 3. Dezember 2026, 15:30 Uhr", "Elterncafé &lt;am&gt; Markt", "Rathaus Walsrode", "Sprechstunde")
	if strings.Join(bc.asked, ",") != "munster-bispingen,walsrode" {
		t.Errorf("Upcoming asked for %v", bc.asked)
	}

	outs = c.say("/abbestellen")
	b := button(t, outs, "v1|u|walsrode")
	mustContain(t, b.Text, "Walsrode")
	mustContain(t, texts(c.press(b.Data)), "keine Ankündigungen mehr")
	mustContain(t, texts(c.press(b.Data)), "hatten Sie keine")
	if subs, _ := c.store.Subscriptions(ctx, c.id); strings.Join(subs, ",") != "munster-bispingen" {
		t.Errorf("subscriptions = %v", subs)
	}
	mustContain(t, texts(c.say("/meinedaten")), "Bezirk: Sozialraumbezirk Stadt Walsrode", "Abos: Sozialraumbezirk Stadt Munster", "Ort: Walsrode")

	bc.events = nil
	mustContain(t, texts(c.say("/termine")), "keine Termine")
}

func TestDeleteLeavesNothing(t *testing.T) {
	bc := &fakeBroadcaster{}
	c := newChat(t, func(cfg *handlers.Config) { cfg.Broadcaster = bc })
	ctx := context.Background()
	c.say("Dorfmark")
	c.press("v1|a|bad-fallingbostel-osterheide")
	c.press("v1|l|tr")
	outs := c.say("/loeschen")
	yes := button(t, outs, "v1|x|")
	button(t, outs, "v1|k")
	// "No" keeps everything.
	mustContain(t, texts(c.press("v1|k")), "her şey olduğu gibi")
	mustContain(t, texts(c.press(yes.Data)), "geçerli değil") // the question was closed
	outs = c.say("/delete")
	yes = button(t, outs, "v1|x|")
	outs = c.press(yes.Data)
	mustContain(t, texts(outs), "tüm veriler silindi")
	var left []string
	iter := c.rdb.Scan(ctx, 0, c.pfx+":*", 1000).Iterator()
	for iter.Next(ctx) {
		left = append(left, iter.Val())
	}
	if len(left) != 0 {
		t.Errorf("keys left after /loeschen: %v", left)
	}
	if len(bc.forgot) != 1 || bc.forgot[0] != c.id {
		t.Errorf("ForgetChat calls = %v", bc.forgot)
	}
	mustContain(t, texts(c.say("/meinedaten")), "nichts gespeichert")
}

func TestStateTTLAndSendFailure(t *testing.T) {
	rdb, pfx := redistest.Client(t), redistest.Prefix(t)
	store := redisstore.New(rdb, pfx, redisstore.WithStateTTL(2*time.Hour))
	c := newChatWithStore(t, store, rdb, pfx, func(cfg *handlers.Config) { cfg.StateTTL = 2 * time.Hour })
	c.say("Walsrode")
	mustContain(t, texts(c.say("/datenschutz")), "nach Ihrer letzten Nachricht")
	ttl := c.rdb.TTL(context.Background(), c.pfx+":chat:4711").Val()
	if ttl <= time.Hour || ttl > 2*time.Hour {
		t.Errorf("state TTL = %v, want about 2h", ttl)
	}
	c.r.FailSends(errSend)
	u := c.update()
	u.Text = "Walsrode"
	if err := c.h.Handle(context.Background(), c.r, u); err == nil {
		t.Error("a failed reply must be returned")
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := handlers.New(handlers.Config{}); err == nil {
		t.Error("New without Directory and Store must fail")
	}
	if _, err := handlers.New(handlers.Config{Directory: testDirectory(t)}); err == nil {
		t.Error("New without Store must fail")
	}
}

type fakeBroadcaster struct {
	handlers.Broadcaster // other methods are not used by the conversation
	events               []handlers.Event
	asked                []string
	forgot               []int64
}

func (f *fakeBroadcaster) Upcoming(_ context.Context, districts []string, _ time.Time) ([]handlers.Event, error) {
	f.asked = append([]string(nil), districts...)
	return f.events, nil
}

func (f *fakeBroadcaster) ChatData(context.Context, int64) ([]handlers.DataItem, error) {
	return nil, nil
}

func (f *fakeBroadcaster) ForgetChat(_ context.Context, chatID int64) error {
	f.forgot = append(f.forgot, chatID)
	return nil
}
