package handlers

import (
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
)

// maxVCardBytes is Telegram's limit for sendContact.vcard.
const maxVCardBytes = 2048

// vCard is a vCard 3.0 of a district's provider: FN and ORG (with the district as
// unit), TEL;TYPE=WORK,VOICE and TEL;TYPE=CELL in E.164, URL and a NOTE naming the
// programme. It is at most 2048 bytes: the NOTE and then the unit are dropped
// when needed.
func vCard(d directory.District, url, programme string) string {
	org := vEscape(d.Provider)
	tels := make([]string, 0, len(d.Phones))
	for _, p := range d.Phones {
		if p.E164 == "" {
			continue
		}
		typ := "WORK,VOICE"
		if p.Mobile {
			typ = "CELL"
		}
		tels = append(tels, "TEL;TYPE="+typ+":"+p.E164)
	}
	build := func(unit, note string) string {
		lines := []string{"BEGIN:VCARD", "VERSION:3.0", "FN:" + vEscape(d.Provider)}
		if unit != "" {
			lines = append(lines, "ORG:"+org+";"+vEscape(unit))
		} else {
			lines = append(lines, "ORG:"+org)
		}
		lines = append(lines, tels...)
		if url != "" {
			lines = append(lines, "URL:"+vEscape(url))
		}
		if note != "" {
			lines = append(lines, "NOTE:"+vEscape(note))
		}
		lines = append(lines, "END:VCARD")
		return strings.Join(lines, "\r\n") + "\r\n"
	}
	note := strings.TrimSpace(programme + " – " + d.Name)
	for _, try := range []struct{ unit, note string }{{d.Name, note}, {d.Name, ""}, {"", ""}} {
		if v := build(try.unit, try.note); len(v) <= maxVCardBytes {
			return v
		}
	}
	return "" // only with absurd data; Telegram accepts a contact without vCard
}

// vEscape escapes a vCard 3.0 text value (RFC 2426: backslash, comma, semicolon, newline).
func vEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `;`, `\;`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}
