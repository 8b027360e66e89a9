package handlers

import (
	"context"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// Nationwide emergency and help numbers, free of charge. Verified 2026-11-25 with
// public sources (search tool, "pages" corpus):
//   - 110 police, 112 fire brigade and ambulance: de.m.wikibooks.org/wiki/Erste_Hilfe/_Rufnummern,
//     feuerwehr-klinga.de/infothek/notruf/.
//   - 116 111 Kinder- und Jugendtelefon of Nummer gegen Kummer e.V.: bmfsfj.de
//     ("Anrufen, mailen, chatten - gegen Sorgen"), telekom.com press release of 2008.
//   - 0800 111 0 550 Elterntelefon of Nummer gegen Kummer e.V.: kinderschutzbund-schaumburg.de
//     ("20 Jahre Elterntelefon", 2021).
//   - 116 016 Hilfetelefon "Gewalt gegen Frauen" (24/7, many languages, Ukrainian since
//     2022; the old 08000 116 016 ran in parallel for a transition): hilfetelefon.de
//     ("Angebot im Überblick"), der-paritaetische.de (2023).
const (
	numberPolice  = "110"
	numberRescue  = "112"
	numberChild   = "116 111"
	numberParents = "0800 111 0 550"
	numberWomen   = "116 016"
)

func (h *Handler) cmdEmergency(ctx context.Context, t *turn, _ string) error {
	lang := h.lang(t)
	return h.say(ctx, t, "emergency", map[string]any{
		"Police": embedNum(lang, numberPolice), "Rescue": embedNum(lang, numberRescue),
		"Child": embedNum(lang, numberChild), "Parents": embedNum(lang, numberParents),
		"Women": embedNum(lang, numberWomen),
	})
}

func embedNum(lang, n string) string { return i18n.Embed(lang, n) }
