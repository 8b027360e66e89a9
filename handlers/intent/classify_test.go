package intent_test

import (
	"slices"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// TestClassify: per language, crises (from the person, a parent, a child, a
// neighbour), everyday worries that are not crises, negation, needs with
// their topic, small talk and questions.
func TestClassify(t *testing.T) {
	c, err := intent.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		intent intent.Intent
		kind   intent.Kind // must be among Kinds when set
		topic  string      // must be the first topic when set
		lang   string      // when set
	}{
		// German
		{"Mein Mann schlägt mich", intent.Crisis, intent.KindViolence, "", "de"},
		{"mein mann schlaegt mich", intent.Crisis, intent.KindViolence, "", ""},
		{"Ich will nicht mehr leben", intent.Crisis, intent.KindSuicide, "", "de"},
		{"mein kind wird zuhause geschlagen", intent.Crisis, intent.KindChild, "child-protection", ""},
		{"ich glaube die nachbarn vernachlässigen ihr baby", intent.Crisis, intent.KindChild, "child-protection", ""},
		{"er hat mich vergewalltigt", intent.Crisis, intent.KindSexual, "", ""}, // one typo
		{"er schlägt mich nicht", intent.Other, "", "", ""},                     // negation after the verb
		{"ich habe keine angst vor meinem mann", intent.Other, "", "", ""},      // negation before
		{"Mein Baby schreit die ganze Nacht", intent.Need, "", "", ""},          // an everyday worry
		{"meine kinder streiten sich dauernd", intent.Need, "", "family-counselling", ""},
		{"wir suchen eine Tagesmutter", intent.Need, "", "childcare", ""},
		{"vielen dank für die hilfe", intent.SmallTalk, intent.KindThanks, "", ""},
		{"Hallo", intent.SmallTalk, intent.KindHello, "", ""},
		{"Tschüss", intent.SmallTalk, intent.KindBye, "", ""},
		{"nein danke", intent.SmallTalk, intent.KindNo, "", ""},
		{"Sprechen Sie Englisch?", intent.Other, intent.KindLanguage, "", ""},
		{"was kostet das", intent.Other, intent.KindCost, "", ""},
		{"Walsrode", intent.Other, "", "", ""},
		// English
		{"my husband hits me", intent.Crisis, intent.KindViolence, "", "en"},
		{"I don't want to live anymore", intent.Crisis, intent.KindSuicide, "", "en"},
		{"my neighbour beats his kids", intent.Crisis, intent.KindChild, "child-protection", ""},
		{"my baby screams all night", intent.Need, "", "", ""},
		{"we need a childminder", intent.Need, "", "childcare", ""},
		{"thank you so much", intent.SmallTalk, intent.KindThanks, "", ""},
		{"when are you open", intent.Other, intent.KindHours, "", ""},
		// Ukrainian
		{"чоловік мене б'є", intent.Crisis, intent.KindViolence, "", "uk"},
		{"чоловік мене бʼє", intent.Crisis, intent.KindViolence, "", "uk"},
		{"я не хочу жити", intent.Crisis, intent.KindSuicide, "", "uk"},
		{"сусід б'є своїх дітей", intent.Crisis, intent.KindChild, "child-protection", ""},
		{"підліток не слухається", intent.Need, "", "family-counselling", ""}, // не belongs to the verb
		{"малюк кричить всю ніч", intent.Need, "", "", ""},
		{"шукаємо садочок", intent.Need, "", "childcare", ""},
		{"дякую", intent.SmallTalk, intent.KindThanks, "", "uk"},
		// Russian
		{"муж бьёт меня", intent.Crisis, intent.KindViolence, "", "ru"},
		{"хочу покончить с собой", intent.Crisis, intent.KindSuicide, "", "ru"},
		{"спасибо большое", intent.SmallTalk, intent.KindThanks, "", "ru"},
		// Arabic, with and without hamza, with proclitics
		{"زوجي يضربني", intent.Crisis, intent.KindViolence, "", "ar"},
		{"أريد أن أنتحر", intent.Crisis, intent.KindSuicide, "", ""},
		{"اريد ان انتحر", intent.Crisis, intent.KindSuicide, "", ""},
		{"والأطفال يضربون في البيت", intent.Crisis, intent.KindChild, "", ""},
		{"لست خائفة من زوجي لكن احتاج نصيحة", intent.Need, "", "", ""}, // negation
		{"ابحث عن روضة", intent.Need, "", "childcare", ""},
		{"شكرا جزيلا", intent.SmallTalk, intent.KindThanks, "", ""},
		// Turkish, with and without Turkish letters
		{"kocam beni dövüyor", intent.Crisis, intent.KindViolence, "", "tr"},
		{"kocam beni dovuyor", intent.Crisis, intent.KindViolence, "", ""},
		{"intihar etmek istiyorum", intent.Crisis, intent.KindSuicide, "", ""},
		{"bebeğim bütün gece ağlıyor", intent.Need, "", "", ""},
		{"kreş arıyoruz", intent.Need, "", "childcare", ""},
		{"teşekkürler", intent.SmallTalk, intent.KindThanks, "", ""},
		// Nothing
		{"", intent.Other, "", "", ""},
		{"!!!", intent.Other, "", "", ""},
	}
	for _, tt := range tests {
		got := c.Classify(tt.text)
		if got.Intent != tt.intent {
			t.Errorf("%q: intent %s, want %s (%+v)", tt.text, got.Intent, tt.intent, got)
			continue
		}
		if tt.kind != "" && !got.Has(tt.kind) {
			t.Errorf("%q: kinds %v, want %s", tt.text, got.Kinds, tt.kind)
		}
		if tt.topic != "" && (len(got.Topics) == 0 || got.Topics[0] != tt.topic) {
			t.Errorf("%q: topics %v, want %s first", tt.text, got.Topics, tt.topic)
		}
		if tt.lang != "" && got.Lang != tt.lang {
			t.Errorf("%q: lang %q, want %q", tt.text, got.Lang, tt.lang)
		}
	}
}

func TestWith(t *testing.T) {
	for _, tt := range []struct {
		r     intent.Result
		place bool
		want  intent.Intent
	}{
		{intent.Result{Intent: intent.Crisis}, true, intent.Crisis},
		{intent.Result{Intent: intent.Need}, true, intent.Need},
		{intent.Result{Intent: intent.SmallTalk}, true, intent.Place},
		{intent.Result{Intent: intent.SmallTalk}, false, intent.SmallTalk},
		{intent.Result{Intent: intent.Other, Kinds: []intent.Kind{intent.KindCost}}, false, intent.Other},
		{intent.Result{Intent: intent.Other}, true, intent.Place},
		{intent.Result{Intent: intent.Other}, false, intent.Other},
	} {
		if got := tt.r.With(tt.place); got != tt.want {
			t.Errorf("%+v.With(%v) = %s, want %s", tt.r, tt.place, got, tt.want)
		}
	}
}

func TestLexiconsLoad(t *testing.T) {
	c, err := intent.New()
	if err != nil {
		t.Fatal(err)
	}
	// Every language of the bot, and Russian, has its lexicon.
	for _, text := range []string{"Hallo", "hello", "привіт", "привет", "مرحبا", "merhaba"} {
		if r := c.Classify(text); r.Intent != intent.SmallTalk || r.Lang == "" {
			t.Errorf("%q: %+v", text, r)
		}
	}
	if !slices.Contains([]string{"uk", "ru"}, c.Classify("дякую").Lang) {
		t.Error("Cyrillic language not detected")
	}
}
