package loadtest

import (
	"context"
	"net/http"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Echo is the framework's ceiling: a bare go-telegram/bot instance with a default
// handler that answers every update with one Bot API call into the same chat (a
// message echoed, a callback acknowledged and answered, an inline query answered),
// no state, no Redis, no ordering. Our bot's throughput is reported as a ratio of it.
func Echo() Target {
	return Target{Name: "bare go-telegram/bot echo", Run: runEcho}
}

func runEcho(ctx context.Context, apiURL string) error {
	b, err := tgbot.New("1:load-echo", tgbot.WithServerURL(apiURL), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(10*time.Second, &http.Client{Timeout: 20 * time.Second}),
		tgbot.WithDefaultHandler(echo), tgbot.WithErrorsHandler(func(error) {}))
	if err != nil {
		return err
	}
	b.Start(ctx) // returns when ctx ends
	return nil
}

func echo(ctx context.Context, b *tgbot.Bot, u *models.Update) {
	switch {
	case u.Message != nil:
		_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "echo"})
	case u.CallbackQuery != nil:
		_, _ = b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
		if m := u.CallbackQuery.Message.Message; m != nil {
			_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: m.Chat.ID, Text: "echo " + u.CallbackQuery.Data})
		}
	case u.InlineQuery != nil:
		_, _ = b.AnswerInlineQuery(ctx, &tgbot.AnswerInlineQueryParams{InlineQueryID: u.InlineQuery.ID,
			Results: []models.InlineQueryResult{&models.InlineQueryResultArticle{ID: "1", Title: "echo",
				InputMessageContent: &models.InputTextMessageContent{MessageText: "echo"}}}})
	}
}
