package directory

// file is the schema of the directory data file (YAML).
type file struct {
	SourceDate string         `yaml:"source_date"`
	Languages  []fileLanguage `yaml:"languages"` // see translations.go
	Programme  fileProgramme  `yaml:"programme"`
	Offerings  []fileOffering `yaml:"offerings"`
	Districts  []fileDistrict `yaml:"districts"`
	Places     []filePlace    `yaml:"places"`
	Outside    []fileOutside  `yaml:"outside"`
}

type fileProgramme struct {
	Name        string `yaml:"name"`
	Short       string `yaml:"short"`
	Since       string `yaml:"since"`
	MoreInfoURL string `yaml:"more_info_url"`
	SourceDate  string `yaml:"source_date"`
	Source      string `yaml:"source"`
	YouthOffice struct {
		Name    string `yaml:"name"`
		Address string `yaml:"address"`
		URL     string `yaml:"url"`
		Phone   string `yaml:"phone"` // optional; only a number a source states
		Source  string `yaml:"source"`
	} `yaml:"youth_office"`
}

type fileDistrict struct {
	ID             string         `yaml:"id"`
	Name           string         `yaml:"name"`
	Municipalities []string       `yaml:"municipalities"`
	Provider       string         `yaml:"provider"`
	Phones         []filePhone    `yaml:"phones"`
	Offerings      []fileOffering `yaml:"offerings"`     // optional; default: the file's offerings
	MoreInfoURL    string         `yaml:"more_info_url"` // optional; default: the programme's
	Source         string         `yaml:"source"`
}

// fileOffering is one offering: a stable id, the German text as published and
// its curated translations by language code.
type fileOffering struct {
	ID           string            `yaml:"id"`
	Text         string            `yaml:"text"`
	Translations map[string]string `yaml:"translations"`
}

type filePhone struct {
	Label  string `yaml:"label"`
	Number string `yaml:"number"`
	E164   string `yaml:"e164"`   // optional; computed from Number and checked when given
	Mobile *bool  `yaml:"mobile"` // optional; default: label "Mobil" or a German mobile prefix
}

type filePlace struct {
	ID           string   `yaml:"id"` // optional; default derived from name and municipality
	Name         string   `yaml:"name"`
	Kind         string   `yaml:"kind"`
	Municipality string   `yaml:"municipality"`
	District     string   `yaml:"district"`
	PostalCodes  []string `yaml:"postal_codes"`
	Aliases      []string `yaml:"aliases"`
	Lat          *float64 `yaml:"lat"`
	Lon          *float64 `yaml:"lon"`
	Strict       bool     `yaml:"strict"` // an everyday word or a better-known place elsewhere
	Source       string   `yaml:"source"`
}

type fileOutside struct {
	Name    string   `yaml:"name"`
	County  string   `yaml:"county"`
	Aliases []string `yaml:"aliases"`
	Lat     *float64 `yaml:"lat"`
	Lon     *float64 `yaml:"lon"`
	Note    string   `yaml:"note"`
	Source  string   `yaml:"source"`
}
