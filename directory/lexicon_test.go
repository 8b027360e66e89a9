package directory

import "testing"

// TestOrdinaryWordsNameNoPlace: frequent words never become places by a typo
// or by sound, inside a sentence or alone; places still resolve with typos.
func TestOrdinaryWordsNameNoPlace(t *testing.T) {
	d := mustDefault(t)
	for _, text := range []string{
		"Ich will nicht mehr leben", "Ich brauche Hilfe mit meinem Sohn", "Mein Kind hat Probleme in der Schule",
		"Wir haben Streit in der Familie", "Ich wohne bei meinen Eltern", "die Tür ist zu", "mehr", "Schule",
		"kızım okula gitmiyor", "i hope you can help", "we live in the west",
	} {
		if r := d.Resolve(text); r.Status == StatusMatch {
			t.Errorf("%q: matched %s (%s, %s)", text, r.Place.Name, r.District, r.Method)
		}
	}
	for text, want := range map[string]string{
		"Dorfmak": "Dorfmark", "wir wohnen in Dorfmark": "Dorfmark", "Einem": "Einem", "ich wohne in Einem": "Einem",
		"wir wohnen in möhr": "Möhr", "Hope": "Hope", "Walsrod": "Walsrode",
	} {
		r := d.Resolve(text)
		if r.Status != StatusMatch || r.Place.Name != want {
			t.Errorf("%q: %s %v, want %s", text, r.Status, r.Place, want)
		}
	}
}

func TestIsOrdinaryWord(t *testing.T) {
	for w, want := range map[string]bool{
		"mehr": true, "Meinem": true, "haben": true, "Schule": true, "the": true, "çok": true,
		"дякую": true, "спасибо": true, "شكرا": true, "أنا": true, "انا": true,
		"Walsrode": false, "Dorfmark": false, "": false, "\xff": false,
	} {
		if got := IsOrdinaryWord(w); got != want {
			t.Errorf("IsOrdinaryWord(%q) = %v, want %v", w, got, want)
		}
	}
}
