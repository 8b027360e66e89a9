package broadcast

import (
	"fmt"
	"html"
	"strings"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// DefaultReport is the delivery report sent to the staff member (German, HTML).
func DefaultReport(st handlers.BroadcastStatus) string {
	var b strings.Builder
	id := html.EscapeString(st.ID)
	skipped := st.Total - st.Delivered - st.Blocked - st.Failed
	switch st.Kind {
	case handlers.KindEdit:
		fmt.Fprintf(&b, "<b>Korrektur #%s von Ankündigung #%s</b>\n", id, html.EscapeString(st.Of))
		fmt.Fprintf(&b, "Geändert: %d von %d\n", st.Delivered, st.Total)
		fmt.Fprintf(&b, "Nicht geändert: %d", st.Failed+st.Blocked+max(skipped, 0))
		return b.String()
	case handlers.KindRecall:
		fmt.Fprintf(&b, "<b>Ankündigung #%s zurückgeholt</b> (#%s)\n", html.EscapeString(st.Of), id)
		fmt.Fprintf(&b, "Gelöscht: in %d von %d Chats\n", st.Delivered, st.Total)
		fmt.Fprintf(&b, "Nicht gelöscht: %d (älter als 48 Stunden, in Telegram schon gelöscht oder Chat nicht erreichbar)",
			st.Failed+st.Blocked+max(skipped, 0))
		return b.String()
	}
	if st.Cancelled {
		fmt.Fprintf(&b, "<b>Ankündigung #%s abgebrochen</b>\n", id)
	} else {
		fmt.Fprintf(&b, "<b>Ankündigung #%s verschickt</b>\n", id)
	}
	fmt.Fprintf(&b, "Bezirke: %s\n", html.EscapeString(strings.Join(st.Districts, ", ")))
	fmt.Fprintf(&b, "Zugestellt: %d von %d\n", st.Delivered, st.Total)
	fmt.Fprintf(&b, "Blockiert (abgemeldet): %d\n", st.Blocked)
	fmt.Fprintf(&b, "Fehlgeschlagen: %d", st.Failed)
	if skipped > 0 {
		fmt.Fprintf(&b, "\nNicht gesendet: %d", skipped)
	}
	return b.String()
}
