package broadcast

import "github.com/heidekreis/sozialraumbot/handlers/htmltext"

// TextLength is the length Telegram counts for an HTML message: the text without
// tags, entities decoded, in UTF-16 code units (an emoji counts two).
func TextLength(htmlText string) int { return htmltext.Len(htmlText) }
