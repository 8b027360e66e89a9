package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/metrics"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// Sender is a handlers.Replier over the Telegram Bot API. Texts go out in parse
// mode HTML without link previews; buttons use the bot's own markup types.
//
// Sender never retries: every failure comes back at once as an *APIError that
// wraps handlers.ErrBlocked (403), *handlers.RetryAfterError (429, with
// Telegram's retry_after), handlers.ErrBadRequest (400) or handlers.ErrTemporary
// (5xx, network). The broadcast worker paces and retries itself; the
// conversation's replies are delivered, paced and retried by the dispatcher.
type Sender struct {
	api     *tgbot.Bot
	metrics *metrics.Metrics
}

var _ handlers.Replier = (*Sender)(nil)

// NewSender returns a Sender over b. m may be nil.
func NewSender(b *tgbot.Bot, m *metrics.Metrics) *Sender {
	return &Sender{api: b, metrics: m}
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

func (s *Sender) fail(ctx context.Context, method string, err error) error {
	e := classify(ctx, method, s.api.Token(), err)
	s.metrics.APIError(e.Code)
	return e
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
	if _, err := s.api.SendMessage(ctx, p); err != nil {
		return s.fail(ctx, "sendMessage", err)
	}
	return nil
}

// SendContact sends a contact card.
func (s *Sender) SendContact(ctx context.Context, chatID int64, c handlers.Contact) error {
	_, err := s.api.SendContact(ctx, &tgbot.SendContactParams{
		ChatID:      chatID,
		PhoneNumber: c.Phone,
		FirstName:   c.FirstName,
		LastName:    c.LastName,
		VCard:       c.VCard,
	})
	if err != nil {
		return s.fail(ctx, "sendContact", err)
	}
	return nil
}

// AnswerCallback acknowledges a button press, with a short notice when text is set.
func (s *Sender) AnswerCallback(ctx context.Context, callbackID, text string) error {
	_, err := s.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: text})
	if err != nil {
		return s.fail(ctx, "answerCallbackQuery", err)
	}
	return nil
}

// inlineCacheSeconds is how long Telegram may cache an inline answer; answers depend
// on the user's language, so they are personal.
const inlineCacheSeconds = 300

// AnswerInline answers an inline query with contact cards and articles (HTML).
func (s *Sender) AnswerInline(ctx context.Context, queryID string, results []handlers.InlineResult) error {
	out := make([]models.InlineQueryResult, 0, len(results))
	for _, r := range results {
		if r.Contact != nil {
			out = append(out, &models.InlineQueryResultContact{
				ID:          r.ID,
				PhoneNumber: r.Contact.Phone,
				FirstName:   r.Contact.FirstName,
				LastName:    r.Contact.LastName,
				VCard:       r.Contact.VCard,
			})
			continue
		}
		out = append(out, &models.InlineQueryResultArticle{
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
	_, err := s.api.AnswerInlineQuery(ctx, &tgbot.AnswerInlineQueryParams{
		InlineQueryID: queryID,
		Results:       out,
		CacheTime:     inlineCacheSeconds,
		IsPersonal:    true,
	})
	if err != nil {
		return s.fail(ctx, "answerInlineQuery", err)
	}
	return nil
}
