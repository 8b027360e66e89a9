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
	if st.Cancelled {
		fmt.Fprintf(&b, "<b>Ankündigung #%s abgebrochen</b>\n", html.EscapeString(st.ID))
	} else {
		fmt.Fprintf(&b, "<b>Ankündigung #%s verschickt</b>\n", html.EscapeString(st.ID))
	}
	fmt.Fprintf(&b, "Bezirke: %s\n", html.EscapeString(strings.Join(st.Districts, ", ")))
	fmt.Fprintf(&b, "Zugestellt: %d von %d\n", st.Delivered, st.Total)
	fmt.Fprintf(&b, "Blockiert (abgemeldet): %d\n", st.Blocked)
	fmt.Fprintf(&b, "Fehlgeschlagen: %d", st.Failed)
	if skipped := st.Total - st.Delivered - st.Blocked - st.Failed; skipped > 0 {
		fmt.Fprintf(&b, "\nNicht gesendet: %d", skipped)
	}
	return b.String()
}
