package directory

// Word lists; setOf folds them both ways (see tokenise).

// qualifiers are words around a place name that do not change which place is
// meant: administrative prefixes and the rivers in official names.
var qualifiers = setOf(
	"stadt", "gemeinde", "samtgemeinde", "sg", "flecken", "ortsteil", "ot", "ortschaft",
	"gemeindefreier", "bezirk", "bad", "landkreis", "lk", "kreis",
	"aller", "wümme", "weser", "luhe", "leine", "heidekreis",
)

// nearWords precede a place that is only a point of reference: in "Marbostel
// bei Soltau" the place meant is Marbostel.
var nearWords = setOf("bei", "near", "nahe", "nähe", "nah", "näher", "close", "around", "umgebung", "umkreis", "neben", "next", "nächst", "vicinity")

// commonWords are names of villages that are also everyday words ("I hope",
// "Insel", "mir grauen"): inside a longer text they name the village only when
// capitalised or after "in", "aus", "from" and the like.
var commonWords = setOf("hope", "insel", "grauen", "trauen", "eilte", "sprengel", "bosse", "heber", "borg", "brock",
	"einem", "westen", "welle", "otter")

// placePrepositions introduce a place.
var placePrepositions = setOf("in", "aus", "from", "near", "bei", "nach", "at", "von", "im", "nahe", "nähe", "to", "wohnort", "ort", "wohnhaft")

// fillers are common German and English words of the messages parents write.
// They never match a place by typo or sound (only when written exactly as a
// place's name), so "Hilfe" or "wohnen" cannot become a village.
var fillers = setOf(
	// German
	"hallo", "halo", "moin", "servus", "guten", "tag", "morgen", "abend", "hi", "hey", "ich", "wir", "wohne",
	"wohnen", "wohnt", "lebe", "leben", "komme", "kommen", "aus", "in", "im", "bei", "der", "die", "das",
	"dem", "den", "des", "ein", "eine", "einer", "einem", "und", "oder", "aber", "bitte", "danke", "brauche",
	"brauchen", "hilfe", "frage", "fragen", "wer", "ist", "sind", "bin", "für", "uns", "mich", "mir", "meine",
	"mein", "unser", "unsere", "zuständig", "zuständigkeit", "wo", "was", "wie", "welche", "welcher",
	"welches", "gibt", "es", "hier", "dort", "nahe", "nähe", "nah", "von", "vom", "zum", "zur", "nach", "mit", "ort",
	"dorf", "kinder", "kind", "familie", "sohn", "tochter", "jugendamt", "beratung", "plz", "postleitzahl",
	"wohnort", "adresse", "straße", "weg", "nicht", "kein", "keine", "ja", "nein", "gerne", "gern", "liebe",
	"lieber", "gruß", "grüße", "freundlichen", "seit", "jetzt", "neu", "zugezogen", "gezogen", "umgezogen",
	"nummer", "telefon", "auch", "noch", "schon", "mal", "kann", "können", "sie", "ihr", "du", "man",
	"jemand", "sozialraum", "sozialraumarbeit", "bezirk", "hause", "haus", "zuhause", "gemeinde", "stadt",
	// English
	"hello", "hi", "we", "i", "live", "living", "lives", "am", "are", "is", "from", "at", "near", "the", "a",
	"an", "and", "or", "please", "thanks", "thank", "you", "help", "need", "needs", "our", "my", "family",
	"who", "responsible", "for", "where", "what", "which", "town", "village", "city", "here", "there",
	"moved", "to", "of", "on", "it", "its", "this", "that", "with", "have", "has", "us", "me", "can",
	"could", "would", "like", "postcode", "zip", "code", "address", "do", "does", "not", "no", "yes",
	"am", "close", "around", "next", "children", "child", "kids", "son", "daughter", "in",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[fold(w, false)] = true
		m[fold(w, true)] = true
	}
	return m
}
