// Package handlers is the conversation of Sozialraumbot: what the bot says and what it
// remembers. It is written against small interfaces it defines itself (Replier for
// output, Store for memory) and imports no Telegram and no Redis, so the same
// conversation runs in Telegram, in the terminal chat and in tests.
package handlers

// Update is one incoming event from any transport (Telegram, terminal, tests).
// Exactly one of Text, Location, Callback or Inline is set.
type Update struct {
	ID       int64 // Telegram update_id; 0 where the transport has none
	ChatID   int64 // the chat to answer in; 0 for inline queries
	User     User
	Private  bool         // a private (one-to-one) chat
	Text     string       // message text, commands included ("/start")
	Location *Location    // a shared location
	Callback *Callback    // an inline button was pressed
	Inline   *InlineQuery // inline mode: "@bot Dorfmark" typed in any chat
	// Media is a photo or document the user sent (by Telegram's file_id; its caption,
	// if any, is in Text). Venue is set, besides Location, for a shared place.
	Media *Media
	Venue *Venue
	// Skipped is how many earlier updates of this chat the transport dropped
	// unanswered because the chat sent far more than anyone types (a flood);
	// the conversation says so once, then answers this update.
	Skipped int
}

// User is the sender of an update.
type User struct {
	ID           int64
	LanguageCode string // IETF tag of the user's app language, may be empty
}

// Location is a shared geographic position (WGS84).
type Location struct {
	Lat, Lon float64
}

// Callback is a press on an inline button.
type Callback struct {
	ID        string // to answer the callback query
	MessageID int    // the message that carries the button
	Data      string // the button's callback data, untrusted (1-64 bytes)
}

// InlineQuery is a query in inline mode.
type InlineQuery struct {
	ID    string
	Query string
}
