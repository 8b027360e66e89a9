// Package terminal runs the conversation in a terminal: a Replier that prints to a
// writer (HTML markup stripped, buttons as numbered choices, contact cards shown
// readably) and Run, which reads the user's lines and feeds them to the handler.
//
// Typing a number presses the button of that number; "loc LAT LON" shares a
// location; "@ TEXT" runs an inline query as if typed after the bot's name in
// another chat. Everything else is a message to the bot.
package terminal
