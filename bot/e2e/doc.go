// Package e2e holds the end-to-end tests of the Telegram bot: the real runtime
// (bot.New, Run), the real conversation (handlers), the real directory and Redis
// store, against an in-process fake Bot API (bot/fakeapi), asserting on the exact
// Bot API requests the bot makes.
package e2e
