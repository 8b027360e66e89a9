package bot

import "github.com/heidekreis/sozialraumbot/handlers"

// The Bot API's reply_markup types as the bot sends them. They are the product's
// own rather than go-telegram/bot's models: models.InlineKeyboardButton always
// sends "copy_text":{"text":""}, which Telegram rejects (BUTTON_COPY_TEXT_INVALID).

// inlineKeyboardMarkup is an inline keyboard under a message.
type inlineKeyboardMarkup struct {
	InlineKeyboard [][]inlineKeyboardButton `json:"inline_keyboard"`
}

// inlineKeyboardButton is a callback or URL button.
type inlineKeyboardButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// replyKeyboardMarkup is a custom keyboard replacing the user's keyboard.
type replyKeyboardMarkup struct {
	Keyboard        [][]keyboardButton `json:"keyboard"`
	ResizeKeyboard  bool               `json:"resize_keyboard,omitempty"`
	OneTimeKeyboard bool               `json:"one_time_keyboard,omitempty"`
}

// keyboardButton is a reply keyboard button that asks for the location or the
// user's own phone number (private chats only).
type keyboardButton struct {
	Text            string `json:"text"`
	RequestLocation bool   `json:"request_location,omitempty"`
	RequestContact  bool   `json:"request_contact,omitempty"`
}

// replyKeyboardRemove removes a reply keyboard.
type replyKeyboardRemove struct {
	RemoveKeyboard bool `json:"remove_keyboard"`
}

// markup returns the reply_markup for a message, nil for none. Telegram takes one
// markup per message: inline buttons win over the location button, which wins
// over the contact button, which wins over removing the keyboard.
func markup(m handlers.Message) any {
	switch {
	case len(m.Buttons) > 0:
		rows := make([][]inlineKeyboardButton, 0, len(m.Buttons))
		for _, row := range m.Buttons {
			r := make([]inlineKeyboardButton, 0, len(row))
			for _, b := range row {
				r = append(r, inlineKeyboardButton{Text: b.Text, CallbackData: b.Data, URL: b.URL})
			}
			rows = append(rows, r)
		}
		return inlineKeyboardMarkup{InlineKeyboard: rows}
	case m.LocationButton != "":
		return replyKeyboardMarkup{
			Keyboard:        [][]keyboardButton{{{Text: m.LocationButton, RequestLocation: true}}},
			ResizeKeyboard:  true,
			OneTimeKeyboard: true,
		}
	case m.ContactButton != "":
		return replyKeyboardMarkup{
			Keyboard:        [][]keyboardButton{{{Text: m.ContactButton, RequestContact: true}}},
			ResizeKeyboard:  true,
			OneTimeKeyboard: true,
		}
	case m.RemoveKeyboard:
		return replyKeyboardRemove{RemoveKeyboard: true}
	}
	return nil
}
