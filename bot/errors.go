package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// APIError is a failed Bot API call. It wraps one of handlers.ErrBlocked,
// handlers.ErrBadRequest, handlers.ErrTemporary or a *handlers.RetryAfterError
// (and the context's error when the call was cancelled), so callers use
// errors.Is / errors.As. Its text never contains the bot token.
type APIError struct {
	Method      string
	Code        int    // HTTP status; 0 for a network error or an unreadable answer
	Description string // Telegram's description or the transport error, token redacted
	kinds       []error
}

func (e *APIError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("telegram %s: %s", e.Method, e.Description)
	}
	return fmt.Sprintf("telegram %s: %d: %s", e.Method, e.Code, e.Description)
}

// Unwrap returns the handlers error kinds this error is.
func (e *APIError) Unwrap() []error { return e.kinds }

var codeInText = regexp.MustCompile(`for method \w+, (\d{3}) `)

// classify turns an error of go-telegram/bot into an *APIError. The token is
// redacted from every text.
func classify(ctx context.Context, method, token string, err error) *APIError {
	desc := redact(err.Error(), token)
	var tooMany *tgbot.TooManyRequestsError
	var migrate *tgbot.MigrateError
	code, retryAfter := 0, 0
	switch {
	case errors.As(err, &tooMany):
		code, retryAfter = http.StatusTooManyRequests, tooMany.RetryAfter
	case errors.Is(err, tgbot.ErrorForbidden):
		code = http.StatusForbidden
	case errors.As(err, &migrate), errors.Is(err, tgbot.ErrorBadRequest):
		code = http.StatusBadRequest
	case errors.Is(err, tgbot.ErrorNotFound):
		code = http.StatusNotFound
	case errors.Is(err, tgbot.ErrorUnauthorized):
		code = http.StatusUnauthorized
	case errors.Is(err, tgbot.ErrorConflict):
		code = http.StatusConflict
	default:
		if m := codeInText.FindStringSubmatch(err.Error()); m != nil {
			code, _ = strconv.Atoi(m[1])
		}
	}
	return apiError(ctx, method, code, desc, retryAfter)
}

// apiError makes the *APIError of a Bot API call that failed with HTTP status
// code (0: network error or an unreadable answer).
func apiError(ctx context.Context, method string, code int, desc string, retryAfter int) *APIError {
	e := &APIError{Method: method, Code: code, Description: desc}
	switch {
	case code == http.StatusTooManyRequests:
		e.kinds = []error{&handlers.RetryAfterError{After: seconds(retryAfter)}}
	case code == http.StatusForbidden:
		e.kinds = []error{handlers.ErrBlocked}
	case code == http.StatusUnauthorized, code == http.StatusConflict:
		// A revoked token (or a second poller): nothing this request can fix, but
		// the messages must not be lost while the operator fixes it.
		e.kinds = []error{handlers.ErrTemporary}
	case code >= 400 && code < 500:
		// 400, and 404 for an unknown method or a malformed URL.
		e.kinds = []error{handlers.ErrBadRequest}
	default:
		e.kinds = []error{handlers.ErrTemporary} // 5xx, network, unreadable answer
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		e.kinds = append(e.kinds, ctxErr)
	}
	return e
}

func seconds(n int) time.Duration {
	if n < 0 {
		n = 0
	}
	return time.Duration(n) * time.Second
}

// redact removes the bot token from a text (library errors may carry the URL).
func redact(s, token string) string {
	if token == "" {
		return s
	}
	s = strings.ReplaceAll(s, token, "***")
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		s = strings.ReplaceAll(s, secret, "***")
	}
	return s
}
