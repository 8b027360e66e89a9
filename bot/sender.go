package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Sender is a handlers.Replier over the Telegram Bot API. Texts go out in parse
// mode HTML without link previews; buttons use the bot's own markup types.
//
// The four calls of a reply go out as JSON bodies (jsonAPI), not through
// go-telegram/bot's multipart forms; everything else uses the library.
//
// Sender never retries: every failure comes back at once as an *APIError that
// wraps handlers.ErrBlocked (403), *handlers.RetryAfterError (429, with
// Telegram's retry_after), handlers.ErrBadRequest (400) or handlers.ErrTemporary
// (5xx, network). The broadcast worker paces and retries itself; the
// conversation's replies are delivered, paced and retried by the dispatcher.
type Sender struct {
	api     *tgbot.Bot
	json    *jsonAPI
	metrics Metrics
}

var _ handlers.Replier = (*Sender)(nil)

// NewSender returns a Sender for the bot of b that calls the Bot API at apiURL
// ("" for Telegram's) with client (nil: http.DefaultClient). m may be nil.
func NewSender(b *tgbot.Bot, apiURL string, client *http.Client, m Metrics) *Sender {
	return &Sender{api: b, json: newJSONAPI(apiURL, b.Token(), client), metrics: orNop(m)}
}

// NewAPI creates the go-telegram/bot client the bot uses: base URL apiURL (""
// for https://api.telegram.org, else e.g. a self-hosted Bot API server or a
// test fake), no getMe at creation, and library errors sent to the logger with
// the token redacted. client may be nil.
func NewAPI(token, apiURL string, client tgbot.HttpClient, log *slog.Logger) (*tgbot.Bot, error) {
	if log == nil {
		log = slog.Default()
	}
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithErrorsHandler(func(err error) {
			log.Error("telegram client", "err", redact(err.Error(), token))
		}),
		tgbot.WithDebugHandler(func(string, ...any) {}),
	}
	if apiURL != "" {
		opts = append(opts, tgbot.WithServerURL(apiURL))
	}
	if client != nil {
		opts = append(opts, tgbot.WithHTTPClient(time.Minute, client))
	}
	b, err := tgbot.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating Telegram client: %s", redact(err.Error(), token))
	}
	return b, nil
}

// API is the underlying go-telegram/bot client.
func (s *Sender) API() *tgbot.Bot { return s.api }

// fail classifies and counts a failed library call.
func (s *Sender) fail(ctx context.Context, method string, err error) error {
	e := classify(ctx, method, s.api.Token(), err)
	s.metrics.APIError(e.Code)
	return e
}

// call makes a Bot API call as JSON and counts its failure.
func (s *Sender) call(ctx context.Context, method string, params any) error {
	err := s.json.call(ctx, method, params)
	if e, ok := err.(*APIError); ok {
		s.metrics.APIError(e.Code)
		return e
	}
	return err
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: tgbot.True()}

// Send sends a text message in parse mode HTML with the message's buttons.
func (s *Sender) Send(ctx context.Context, chatID int64, m handlers.Message) error {
	p := &tgbot.SendMessageParams{
		ChatID:             chatID,
		Text:               m.Text,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: noPreview,
	}
	if mk := markup(m); mk != nil {
		p.ReplyMarkup = mk
	}
	return s.call(ctx, "sendMessage", p)
}

// SendContact sends a contact card.
func (s *Sender) SendContact(ctx context.Context, chatID int64, c handlers.Contact) error {
	return s.call(ctx, "sendContact", &tgbot.SendContactParams{
		ChatID:      chatID,
		PhoneNumber: c.Phone,
		FirstName:   c.FirstName,
		LastName:    c.LastName,
		VCard:       c.VCard,
	})
}

// AnswerCallback acknowledges a button press, with a short notice when text is set.
func (s *Sender) AnswerCallback(ctx context.Context, callbackID, text string) error {
	return s.call(ctx, "answerCallbackQuery", &tgbot.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: text})
}

// inlineCacheSeconds is how long Telegram may cache an inline answer; answers depend
// on the user's language, so they are personal.
const inlineCacheSeconds = 300

// AnswerInline answers an inline query with contact cards and articles (HTML).
func (s *Sender) AnswerInline(ctx context.Context, queryID string, results []handlers.InlineResult) error {
	out := make([]json.RawMessage, 0, len(results))
	add := func(r models.InlineQueryResult) error {
		// The result's type field comes from the library's MarshalCustom.
		b, err := r.MarshalCustom()
		if err != nil {
			return apiError(ctx, "answerInlineQuery", 0, "encoding a result: "+err.Error(), 0)
		}
		out = append(out, b)
		return nil
	}
	for _, r := range results {
		var err error
		if r.Contact != nil {
			err = add(&models.InlineQueryResultContact{
				ID:          r.ID,
				PhoneNumber: r.Contact.Phone,
				FirstName:   r.Contact.FirstName,
				LastName:    r.Contact.LastName,
				VCard:       r.Contact.VCard,
			})
		} else {
			err = add(&models.InlineQueryResultArticle{
				ID:          r.ID,
				Title:       r.Title,
				Description: r.Description,
				InputMessageContent: &models.InputTextMessageContent{
					MessageText:        r.Text,
					ParseMode:          models.ParseModeHTML,
					LinkPreviewOptions: noPreview,
				},
			})
		}
		if err != nil {
			return err
		}
	}
	return s.call(ctx, "answerInlineQuery", &inlineAnswer{
		InlineQueryID: queryID,
		Results:       out,
		CacheTime:     inlineCacheSeconds,
		IsPersonal:    true,
	})
}

// inlineAnswer is answerInlineQuery's body with the results already encoded.
type inlineAnswer struct {
	InlineQueryID string            `json:"inline_query_id"`
	Results       []json.RawMessage `json:"results"`
	CacheTime     int               `json:"cache_time,omitempty"`
	IsPersonal    bool              `json:"is_personal,omitempty"`
}
