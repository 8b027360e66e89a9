package redisstore

import "log/slog"

const slogWarn = slog.LevelWarn

// chatAttr logs a chat id (an opaque number, never a message text or phone number).
func chatAttr(chatID int64) slog.Attr {
	return slog.Int64("chat_id", chatID)
}
