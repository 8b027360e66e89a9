package bot

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// maxWebhookBody is the largest update body accepted (Telegram's are far smaller).
const maxWebhookBody = 1 << 20

// webhookSecretHeader carries the secret_token given to setWebhook.
const webhookSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// webhookHandler receives updates from Telegram. It answers
//   - 401 when the secret token header is missing or wrong (constant-time compare),
//   - 405 for other methods than POST, 413 for bodies over 1 MiB,
//   - 400 for a body that is no update,
//   - 503 before Run started and while shutting down (Telegram retries later),
//   - 200 only when the update was accepted: written to the Redis inbox or, without
//     Redis, handled. Telegram retries anything else, and duplicates are dropped
//     by update_id.
type webhookHandler struct{ b *Bot }

func (h webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b := h.b
	secret := b.opts.Webhook.SecretToken
	got := r.Header.Get(webhookSecretHeader)
	if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
		b.refused.refused(r.RemoteAddr) // aggregated: a flood of them is a few log lines
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			b.log.Warn("webhook body too large", "limit", maxWebhookBody)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.ID <= 0 {
		b.log.Warn("webhook body is not a Telegram update", "bytes", len(body), "err", err)
		http.Error(w, "not a Telegram update", http.StatusBadRequest)
		return
	}
	d := b.dispatcher()
	if d == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	accepted, err := d.submit(r.Context(), body, &u)
	if err != nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	select {
	case <-accepted:
		w.WriteHeader(http.StatusOK)
	case <-r.Context().Done():
		// Telegram gave up waiting; it will deliver again and the update_id
		// deduplication keeps the answer single.
	}
}
