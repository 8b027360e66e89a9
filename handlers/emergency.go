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
//
// Added 2026-11-30 for the crisis answer (issue 9), search tool, "pages" corpus:
//   - 116 111 hours: Monday to Saturday 14-20 h (NOT 24 hours; since 2020 also Mon, Wed, Thu 10-12 h):
//     bmfsfj.de ("Anrufen, mailen, chatten - gegen Sorgen", Sprechzeiten Mo-Sa 14-20 Uhr;
//     Mo, Mi, Do 10-12 Uhr), klecks-os.de (BMFSFJ release 2020), telekom.com (2008).
//   - 0800 111 0 111 and 0800 111 0 222 TelefonSeelsorge, free, anonymous, 24 hours:
//     domradio.de/glossar/telefonseelsorge-0 ("rund um die Uhr kostenfrei und anonym"),
//     spektrum.de (2022), undenheim-friesenheim-evangelisch.ekhn.de ("24 Stunden am Tag").
//   - 116 016 is 24/7: hilfetelefon.de/das-hilfetelefon/angebot-im-ueberblick.html
//     ("an 365 Tagen, rund um die Uhr, anonym, mehrsprachig").
//   - 0800 22 55 530 Hilfetelefon Sexueller Missbrauch (N.I.N.A. e.V.), free and anonymous,
//     Mon, Wed, Fri 9-14 h and Tue, Thu 15-20 h: tagesspiegel.de (2024-05), bundesregierung.de
//     ("Zehn Jahre Hilfetelefon Sexueller Missbrauch"), deutschlandfunk.de (2024-05-02).
//   - 0800 123 99 00 Hilfetelefon Gewalt an Männern, free and anonymous, Mon-Thu 8-20 h,
//     Fri 8-15 h: landkreis-heidenheim.de ("Hilfetelefon Gewalt gegen Frauen und Gewalt an
//     Männern"), baden-wuerttemberg.de (2022), donau3fm.de.
//   - The county's Jugendamt is data (directory: programme.youth_office), not a constant here:
//     its own number could not be verified with a stored source, so the data file leaves it
//     empty until the county enters it, and the answer then gives the office's address and 110.
const (
	numberPolice     = "110"
	numberRescue     = "112"
	numberChild      = "116 111"
	numberParents    = "0800 111 0 550"
	numberWomen      = "116 016"
	numberMen        = "0800 123 99 00"
	numberSeelsorge1 = "0800 111 0 111"
	numberSeelsorge2 = "0800 111 0 222"
	numberAbuse      = "0800 22 55 530"
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
