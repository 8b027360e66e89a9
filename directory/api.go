// Package directory is the domain core of Sozialraumbot: the six Sozialraumbezirke
// of Landkreis Heidekreis, their providers and phone numbers, every place of the
// county with its district, towns just outside it, and the resolver that turns a
// parent's free text ("Hallo, wir wohnen in Dorfmark") into a district.
//
// It imports neither Telegram nor Redis; every transport uses it the same way.
package directory

// Status says what Resolve made of a text.
type Status string

// The four outcomes of Resolve.
const (
	// StatusMatch: one district; Result.Place is the recognised place.
	StatusMatch Status = "match"
	// StatusAmbiguous: several candidates in different districts are about equally good.
	StatusAmbiguous Status = "ambiguous"
	// StatusOutside: a place outside the Heidekreis was recognised (Result.Outside).
	StatusOutside Status = "outside"
	// StatusUnknown: nothing plausible; Result.Candidates may hold suggestions.
	StatusUnknown Status = "unknown"
)

// Method says how a place was recognised.
type Method string

// Ways a place can be recognised, from most to least certain.
const (
	MethodExact      Method = "exact"      // the canonical name as written
	MethodNormalised Method = "normalised" // after case, umlaut, punctuation and qualifier folding
	MethodPostal     Method = "postal"     // a five-digit postal code
	MethodTypo       Method = "typo"       // within the edit-distance budget for the word's length
	MethodPhonetic   Method = "phonetic"   // same Kölner Phonetik key
	MethodSentence   Method = "sentence"   // found inside a longer sentence
	MethodPrefix     Method = "prefix"     // the beginning of a name: suggestions of an unknown result only
)

// Phone is a published phone number of a provider.
type Phone struct {
	Label  string `json:"label" yaml:"label"`   // "Telefon" or "Mobil", as published
	Number string `json:"number" yaml:"number"` // as published, e.g. "(05193) 975-604"
	E164   string `json:"e164" yaml:"e164"`     // normalised, e.g. "+495193975604"
	Mobile bool   `json:"mobile" yaml:"mobile"` // a mobile number (TEL;TYPE=cell in a vCard)
}

// District is one Sozialraumbezirk with its free provider (Träger).
type District struct {
	ID             string     `json:"id"`   // stable slug, e.g. "walsrode"
	Name           string     `json:"name"` // "Sozialraumbezirk Stadt Walsrode"
	Municipalities []string   `json:"municipalities"`
	Provider       string     `json:"provider"`
	Phones         []Phone    `json:"phones"`
	Offerings      []Offering `json:"offerings"`
	MoreInfoURL    string     `json:"more_info_url"`
}

// Offering is one thing a provider offers families, e.g. counselling or child
// protection. ID is stable across data versions (for matching a parent's topic);
// Text is the German wording as published; TextIn gives it in a parent's language.
type Offering struct {
	ID           string            `json:"id"`                     // slug, e.g. "child-protection"
	Text         string            `json:"text"`                   // German
	Translations map[string]string `json:"translations,omitempty"` // language code -> curated translation
}

// Place is a municipality, member municipality, Ortsteil or Wohnplatz of the county.
type Place struct {
	ID           string   `json:"id"`   // stable, unique, at most 40 bytes of [a-z0-9-], e.g. "marbostel-wietzendorf"
	Name         string   `json:"name"` // canonical, e.g. "Ahlden (Aller)"
	Kind         string   `json:"kind"` // stadt, gemeinde, mitgliedsgemeinde, ortsteil, wohnplatz, ...
	Municipality string   `json:"municipality"`
	District     string   `json:"district"` // a District.ID
	PostalCodes  []string `json:"postal_codes"`
	Lat          float64  `json:"lat"` // WGS84; 0,0 when unknown
	Lon          float64  `json:"lon"`
	Aliases      []string `json:"aliases,omitempty"` // other names people use, e.g. "Fallingbostel"
	Source       string   `json:"source"`            // where the facts come from
}

// HasCoordinates reports whether the place's position is known.
func (p Place) HasCoordinates() bool { return p.Lat != 0 || p.Lon != 0 }

// Programme is the county programme the districts belong to.
type Programme struct {
	Name        string `json:"name"`          // "Sozialraumarbeit – Die Kinder- und Jugendhilfe im Heidekreis vor Ort"
	Short       string `json:"short"`         // "Sozialraumarbeit"
	Since       string `json:"since"`         // history in a few words
	MoreInfoURL string `json:"more_info_url"` // the county's page about the providers
	SourceDate  string `json:"source_date"`   // the date the facts are from, e.g. "2021-12"
	// YouthOffice is the county's Jugendamt, named in crisis answers about a child.
	YouthOffice YouthOffice `json:"youth_office"`
}

// YouthOffice is the county's youth welfare office (Jugendamt), responsible for
// child protection. Phone is empty when no verified number is known; answers
// then name the office and its address, and the police for acute danger.
type YouthOffice struct {
	Name    string `json:"name"`            // "Jugendamt des Landkreises Heidekreis"
	Address string `json:"address"`         // "Vogteistraße 19, 29683 Bad Fallingbostel"
	URL     string `json:"url,omitempty"`   // the county's web site
	Phone   string `json:"phone,omitempty"` // as published; validated like provider phones
	Source  string `json:"source"`          // where each fact comes from
}

// OutsidePlace is a town just outside the county that people are likely to type.
type OutsidePlace struct {
	Name    string   `json:"name"`
	County  string   `json:"county"` // e.g. "Landkreis Celle"
	Lat     float64  `json:"lat"`
	Lon     float64  `json:"lon"`
	Note    string   `json:"note,omitempty"`    // e.g. "not Buchholz (Aller) in the Heidekreis"
	Aliases []string `json:"aliases,omitempty"` // other spellings, e.g. "Buchholz (Nordheide)"
	Source  string   `json:"source,omitempty"`  // where the entry comes from
}

// Candidate is one ranked possibility of a Result.
type Candidate struct {
	Place    Place   `json:"place"`
	District string  `json:"district"`
	Score    float64 `json:"score"` // 0..1, higher is better
	Method   Method  `json:"method"`
}

// Result is the answer of Resolve.
type Result struct {
	Query      string        // the text as given
	Status     Status        //
	District   string        // District.ID for StatusMatch, else ""
	Place      *Place        // the recognised place for StatusMatch, else nil
	Method     Method        // how Place was recognised (StatusMatch)
	Candidates []Candidate   // ranked, best first; for ambiguous: the choices; for unknown: suggestions
	Outside    *OutsidePlace // for StatusOutside
}

// Nearby is the answer of Nearest for a shared location.
type Nearby struct {
	Place      *Place        // nearest place of the county, nil when Inside is false
	DistanceKm float64       // distance to Place (or to Outside)
	Inside     bool          // the location lies in (or right at the edge of) the Heidekreis
	Outside    *OutsidePlace // nearest known outside town when Inside is false, may be nil
	Boundary   bool          // decided by the municipal outlines, not by the nearest place
}
