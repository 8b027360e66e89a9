// Package fakeapi is an in-process fake of the Telegram Bot API for tests.
//
// A Server is an httptest server that speaks enough of the Bot API for the bot,
// the broadcast worker and their tests:
//
//   - It records every request exactly: method, token, and every parameter,
//     whether the client sent JSON, an urlencoded form or a multipart form (the
//     go-telegram/bot library sends multipart). Parameters are kept as strings;
//     JSON values such as reply_markup or results are kept as their raw JSON text,
//     exactly as sent, so tests can compare them byte for byte.
//   - It answers like Telegram: {"ok":true,"result":...} with plausible results
//     (a Message with message_id, chat and date for sendMessage and sendContact;
//     true for answerCallbackQuery, answerInlineQuery, setWebhook, ...; a User for
//     getMe), and {"ok":false,"error_code":...,"description":...} for errors, with
//     parameters.retry_after on 429.
//   - It validates what Telegram validates and the product must respect: message
//     text 1-4096 characters (UTF-16 code units, after entity parsing), HTML parse
//     mode (only Telegram's tags, balanced, valid entities; see CheckHTML),
//     callback_data 1-64 bytes, no empty copy_text button, at most 50 inline
//     results, vCard at most 2048 bytes. Violations get Telegram's 400 answers.
//   - It serves getUpdates from a Queue (Push, PushRaw): long polling with the
//     request's timeout, and offsets as Telegram handles them (updates below the
//     offset are confirmed and dropped for good). getUpdates answers 409 while a
//     webhook is set, as Telegram does. OnGetUpdates calls a test's function with
//     each requested offset before it takes effect, to check what the client had
//     made safe when it confirmed.
//   - It delivers updates to the bot's webhook as Telegram does (StartWebhook,
//     WebhookSender): the secret token header, one update of a chat at a time,
//     and every delivery not answered with 2xx made again after a backoff.
//   - It keeps the bot's own surfaces as Telegram does: command lists per scope
//     and language (setMyCommands, deleteMyCommands, getMyCommands), and the
//     description and short description per language (set/getMyDescription,
//     set/getMyShortDescription), with Telegram's limits; Commands, Description
//     and ShortDescription show them, so a second start can be seen to set nothing.
//   - It answers getChatMember with the status SetChatMember gave the user in the
//     chat ("member" by default), so group administrator checks can be tested.
//   - It fails on command: FailNext (the next n calls of a method), FailChat (a
//     chat answers e.g. 403 forever: a blocked user), status 0 drops the
//     connection (a network error), and SetLatency delays answers.
//
// Everything is safe for concurrent use. Wait and WaitChat block until enough
// requests arrived (with a timeout), Requests and ChatRequests list them.
//
// Typical use:
//
//	api := fakeapi.Start(t) // closed when the test ends
//	b, _ := tgbot.New("123:abc", tgbot.WithServerURL(api.URL()), tgbot.WithSkipGetMe())
//	api.FailChat(42, http.StatusForbidden, -1) // chat 42 blocked the bot
//	...
//	reqs, err := api.Wait("sendMessage", 3, 10*time.Second)
//	reqs[0].Params["text"], reqs[0].Params["reply_markup"]
package fakeapi
