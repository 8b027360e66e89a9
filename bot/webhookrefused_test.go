package bot

import (
	"net/http"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// A flood of webhook requests without the secret token writes a few log lines,
// not one per request, and every one is counted.
func TestWebhookRefusalsAggregated(t *testing.T) {
	api := fakeapi.Start(t)
	m := &countMetrics{}
	wh := WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: "right-Secret_1"}
	r := startBot(t, api, Options{Conversation: &echoConv{}, Mode: ModeWebhook, Webhook: wh, Metrics: m})
	waitReady(t, r.bot)
	const n = 2000
	for i := range n {
		secret := ""
		if i%2 == 1 {
			secret = "wrong"
		}
		if code := post(r.bot, http.MethodPost, secret, `{"update_id":1}`); code != http.StatusUnauthorized {
			t.Fatalf("request %d: status %d", i, code)
		}
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(r.logs.String(), "\n") {
		if strings.Contains(l, "secret token") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[1], "count=1999") {
		t.Errorf("%d log lines for %d refused requests, want 2 (the first, then a summary of 1999):\n%s",
			len(lines), n, strings.Join(lines, "\n"))
	}
	if got := m.count("webhookrefused", "secret"); got != n {
		t.Errorf("refused counted %v, want %d", got, n)
	}
}
