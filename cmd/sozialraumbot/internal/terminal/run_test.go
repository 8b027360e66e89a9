package terminal_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/terminal"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
)

// newHandler is the terminal chat's wiring: the real conversation over redisstore
// on an in-process miniredis.
func newHandler(t *testing.T) *handlers.Handler {
	t.Helper()
	d, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	h, err := handlers.New(handlers.Config{
		Directory: d, Store: redisstore.New(rdb, "chat"), Operator: "Test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func run(t *testing.T, input string, opts ...terminal.Option) string {
	t.Helper()
	var out strings.Builder
	if err := terminal.Run(context.Background(), newHandler(t), strings.NewReader(input), &out, opts...); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestRunDialogue(t *testing.T) {
	out := run(t, strings.Join([]string{
		"Dorfmark",      // answer card with numbered buttons
		"1",             // [1] contact card
		"29664",         // ambiguous: numbered choices
		"1",             // the first choice
		"/meinedaten",   // remembered
		"@ Walsrode",    // inline query
		"loc 48.1 11.5", // a location far away
		"loc x y",
		"99", // no such button: goes to the bot as text
	}, "\n"))
	for _, want := range []string{
		"Hallo und herzlich willkommen", // /start first, automatically
		"Vier Linden GmbH & Co. KG",     // entities unescaped
		"[1] 📇 Kontakt speichern",
		"📇 Vier Linden GmbH & Co. KG (Bad Fallingbostel / Osterheide)",
		"Telefon: +495162985573", "Mobil: +491622084780",
		"passt zu mehreren Orten", "Ostenholz (Osterheide)",
		"Ostenholz gehört zum",
		"Das habe ich über diesen Chat gespeichert",
		"Inline-Ergebnisse:", "Kontakt +495161487272",
		"außerhalb des Heidekreises",
		"Standort bitte als",
		"„99“",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, bad := range []string{"<b>", "&amp;", "\u200F", "v1|"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestRunLanguagesAndEOF(t *testing.T) {
	out := run(t, "", terminal.WithLanguage("ar"))
	if !strings.Contains(out, "أين تسكنون؟") {
		t.Errorf("Arabic greeting missing:\n%s", out)
	}
	out = run(t, "/sprache\n2\n/hilfe\n", terminal.WithLanguage("de"))
	if !strings.Contains(out, "How I can help") {
		t.Errorf("language switch by number did not work:\n%s", out)
	}
}

func TestRunHugeLineAndCancel(t *testing.T) {
	out := run(t, strings.Repeat("x", 200000)+"\nWalsrode\n")
	if !strings.Contains(out, "sehr lang") || !strings.Contains(out, "Stephansstift") {
		t.Errorf("huge line:\n%.500s", out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := terminal.Run(ctx, newHandler(t), strings.NewReader("Walsrode\n"), io.Discard)
	if err == nil {
		t.Error("a cancelled context must end Run with its error")
	}
}

func TestPlain(t *testing.T) {
	if got := terminal.Plain("<b>A &amp; B</b>\u200F &lt;x&gt;"); got != "A & B <x>" {
		t.Errorf("Plain = %q", got)
	}
}

// TestRunCrisis: the terminal chat shows the crisis answer in German and in
// Ukrainian, numbers first and no "not found".
func TestRunCrisis(t *testing.T) {
	out := run(t, "Ich will nicht mehr leben\n", terminal.WithLanguage("de"))
	for _, want := range []string{"Das klingt sehr ernst", "Polizei 110", "TelefonSeelsorge", "0800 111 0 111"} {
		if !strings.Contains(out, want) {
			t.Errorf("German crisis answer lacks %q:\n%s", want, out)
		}
	}
	out = run(t, "чоловік мене б'є\n", terminal.WithLanguage("uk"))
	for _, want := range []string{"Це звучить дуже серйозно", "поліція 110", "116 016"} {
		if !strings.Contains(out, want) {
			t.Errorf("Ukrainian crisis answer lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"Möhr", "keinen Ort", "не знайшов"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
}
