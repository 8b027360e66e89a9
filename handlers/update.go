// Package handlers is the conversation of Sozialraumbot: what the bot says and what it
// remembers. It is written against small interfaces it defines itself (Replier for
// output, Store for memory) and imports no Telegram and no Redis, so the same
// conversation runs in Telegram, in the terminal chat and in tests.
package handlers

// Update is one incoming event from any transport (Telegram, terminal, tests).
// At most one of Text, Location, Callback, Inline, Contact or Joined is set
// (Media may come with its caption in Text, Venue with its Location); none of
// them means a message the conversation cannot read (a sticker, a voice message).
//
// In a group the transport hands on only what is meant for the bot: commands
// (bare or addressed to it), messages that mention it (the mention removed from
// Text), replies to its messages, presses on its buttons and its own joining.
type Update struct {
	ID       int64 // Telegram update_id; 0 where the transport has none
	ChatID   int64 // the chat to answer in; 0 for inline queries
	User     User
	Private  bool         // a private (one-to-one) chat
	Group    bool         // a group or supergroup
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
	// Contact is set when a contact card was shared. Only the sender's own card
	// carries its number and first name (for a callback request); the
	// conversation keeps them only when the parent asked to be called back.
	Contact *SharedContact
	// Joined is set when the bot was added to the group (Group is true).
	Joined bool
	// AsChat is set when the message was sent on behalf of the chat itself: an
	// anonymous group administrator.
	AsChat bool
}

// User is the sender of an update.
type User struct {
	ID           int64
	LanguageCode string // IETF tag of the user's app language, may be empty
	// FirstName is the user's first name in Telegram, may be empty. It is used
	// only for a callback request (the name the team asks for) and for the team
	// member who takes one; never logged.
	FirstName string
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

// SharedContact says that a contact card was shared. Someone else's card comes
// without its content; the sender's own card (Telegram's contact_id equals the
// sender's id) with its number and first name, which the conversation uses
// only when it asked for the number of a callback request.
type SharedContact struct {
	Own       bool   // the sender shared their own card
	Phone     string // of the own card: as Telegram shares it (digits, maybe without "+")
	FirstName string // of the own card
}
