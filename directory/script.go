package directory

// Place names in Cyrillic and Arabic script.
//
// A parent who chose Ukrainian or Arabic often writes the place as heard:
// "Сольтау", "Зольтау", "Годенгаген", "سولتاو". Neither script can be turned
// back into the German spelling letter by letter (Ukrainian г is h and g,
// Arabic leaves out most vowels), so both sides are brought into a shared key
// alphabet instead, by rules of our own that are tested letter by letter
// (script_test.go):
//
//   - Cyrillic key: the German name is rewritten the way Ukrainian and Russian
//     writers render German names (sch -> ш, z/tz -> ц, ei -> ай, eu -> ой,
//     ü -> ю, w/v/f -> в/ф, silent h after a vowel dropped), and the Cyrillic
//     text letter by letter; sounds the two conventions spell differently
//     share one key letter (g, h, ch: г, ґ, х -> h; s, z: с, з -> s; w, v, f:
//     в, ф -> v; sch, sh: ш, щ -> s). So Зольтау, Сольтау and Soltau are all
//     "soltau"; Годенгаген, Ходенхаген and Hodenhagen all "hodenhahen".
//   - Arabic key: the consonant skeleton, as Arabic writing drops short vowels
//     (و and ي as vowels, ا, ى, ة, ء and diacritics are dropped; a word's first
//     vowel is kept as "a"); consonants fold into the classes Arabic writers
//     use for German sounds (p/b -> ب, v/w/f -> ف, g/k -> غ/ك/ق/ج, z -> تس).
//     Hamburg and هامبورغ are both "hmbrk"; Soltau and سولتاو "slt".
//
// Each script has its own index of these keys over every place and outside
// town of the directory, built like the Latin one (index.go), and the
// resolver's own matching runs on it: exact keys, then the same typo budget by
// key length (none below four letters, so short Arabic skeletons must be
// exact), then decide as for Latin text (outside towns, ambiguity, strict
// names). The Kölner Phonetik pass is left out: the keys are already sound
// classes. Common words of Ukrainian, Russian and Arabic messages (greetings,
// "we live in", "thank you") are never searched for places; Arabic words lose
// the article ال, and Arabic skeletons shorter than five letters match only
// exactly.
//
// Resolve tries the Latin text first; only when that finds nothing and the
// text has letters of another script does it try the script keys (Cyrillic,
// then Arabic, then Arabic with a one-letter proclitic such as و "and" or ب
// "in" taken off each word).

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// script is a writing system with its own key index.
type script int

const (
	scriptCyrillic script = iota
	scriptArabic
	numScripts
)

// scriptIndexes holds one index per script over the directory's names.
type scriptIndexes [numScripts]*index

// newScriptIndexes builds the key indexes of every place and outside town.
func newScriptIndexes(d *Directory) scriptIndexes {
	var out scriptIndexes
	for sc := range numScripts {
		out[sc] = newScriptIndex(d, sc)
	}
	return out
}

// minScriptKey is the shortest key indexed: shorter skeletons (Celle and
// Essel would both be "sl" without their first vowel) say too little.
const minScriptKey = 2

func newScriptIndex(d *Directory, sc script) *index {
	ix := &index{
		exact:   map[string]int32{},
		dels:    map[uint64][]int32{},
		pow:     hashPowers(maxTokenLen),
		filter:  make([]uint64, 1<<filterBits/64),
		phon:    map[string][]int32{},
		lexicon: scriptLexicon(sc),
	}
	common := map[string]bool{} // keys of names that are everyday words ("Hope", "Insel")
	add := func(name string, e entry) {
		k, words := germanKey(name, sc)
		if len(k) < minScriptKey || len(k) > maxTokenLen {
			return
		}
		ix.addKey(k, words, e)
		if commonWords[fold(name, false)] {
			common[k] = true
		}
	}
	for i, p := range d.places {
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			add(name, entry{place: int32(i), outside: -1})
		}
	}
	for i, o := range d.outside {
		for _, name := range append([]string{o.Name}, o.Aliases...) {
			add(name, entry{place: -1, outside: int32(i)})
		}
	}
	ix.settle(d.strict)
	for k := range ix.keys {
		ix.keys[k].strict = ix.keys[k].strict || common[ix.keys[k].s]
		ix.addNeighbourhood(int32(k))
	}
	clear(ix.phon) // keys are sound classes already: no Kölner Phonetik on top
	return ix
}

// scriptLexicon holds the keys of the frequent words of the lexicons
// (lexicon.go) written in script sc: as in Latin text, no typo search starts
// from them, so an ordinary Ukrainian or Arabic word never becomes a place by
// a typo (it still names one written exactly).
func scriptLexicon(sc script) *lexicon {
	lx := &lexicon{latin: map[string]bool{}}
	for w := range ordinaryWords().other {
		r, _ := utf8.DecodeRuneInString(w)
		if x, ok := scriptOf(r); ok && x == sc {
			if k := wordKey(w, sc); k != "" {
				lx.latin[k] = true
			}
		}
	}
	return lx
}

// scriptOf tells which script's letter r is, and whether it is one.
func scriptOf(r rune) (script, bool) {
	switch {
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic, true
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic, true
	}
	return 0, false
}

// resolveScripts resolves a text written (partly) in Cyrillic or Arabic
// script; ok is false when it names nothing.
func (d *Directory) resolveScripts(q string, s *scratch) (res Result, ok bool) {
	defer func() { s.ix = nil }()
	for _, pass := range []struct {
		sc    script
		affix bool
	}{{scriptCyrillic, false}, {scriptCyrillic, true}, {scriptArabic, false}, {scriptArabic, true}} {
		if !s.tokeniseScript(q, pass.sc, pass.affix) {
			continue
		}
		s.ix = d.scripts[pass.sc]
		s.collect(s.ix, &s.t)
		if pass.sc == scriptArabic {
			d.dropShortTypos(s)
		}
		if r := d.decide(q, s); r.Status != StatusUnknown {
			return r, true
		}
	}
	return Result{}, false
}

// tokeniseScript fills s.t with the keys of the words of q written in script
// sc (other words are left out), s.content with those that may name a place;
// it reports whether q has any such word. With affix, an Arabic word of four
// letters or more loses a first و, ب, ل, ف or ك ("and", "in", "to"), and a
// Cyrillic word of five letters or more its case ending ("з Бокеля", "в
// Шневердінгені": from Bockel, in Schneverdingen).
func (s *scratch) tokeniseScript(q string, sc script, affix bool) bool {
	t := &s.t
	t.buf, t.list = t.buf[:0], t.list[:0]
	s.content, s.hits, s.exact = s.content[:0], s.hits[:0], s.exact[:0]
	words := scriptWords(q, sc)
	prep := false // the word before was a place preposition
	for _, w := range words {
		if len(t.list) >= maxTokens || len(t.buf)+maxTokenLen > maxFolded {
			break
		}
		orig := w
		switch {
		case affix && sc == scriptArabic:
			w, _ = dropProclitic(w)
		case affix:
			w = dropCaseEnding(w)
		}
		if sc == scriptArabic {
			w = dropArticle(w)
		}
		k := wordKey(w, sc)
		if k == "" {
			continue
		}
		if len(k) > maxTokenLen {
			k = k[:maxTokenLen]
		}
		r, _ := utf8.DecodeRuneInString(w)
		start := len(t.buf)
		t.buf = append(t.buf, k...)
		t.list = append(t.list, span{start: start, end: len(t.buf), upper: unicode.IsUpper(r)})
		after := prep
		prep = sc == scriptArabic && arabicPlacePrepositions[k]
		if scriptFillers[sc][k] || qualifiers[k] || nearWords[k] || sc == scriptArabic && arabicFiller(orig) {
			continue
		}
		// Most Arabic words are built on three consonants, so a skeleton of
		// three letters or fewer ("slt", Soltau) is also an everyday word
		// ("hlk" is حالك, "how are you", and Hollige): it names a place
		// only as the whole message or after في, من or إلى (and then only a
		// municipality, see dropShortTypos: "في طلاق", "in a divorce").
		if sc == scriptArabic && len(k) < minTypoLen && len(words) > 1 && !after {
			continue
		}
		s.content = append(s.content, len(t.list)-1)
		s.exact = append(s.exact, false)
	}
	s.single = len(words) == 1
	return len(words) > 0
}

// arabicFiller reports whether an Arabic word is a common word with or
// without a proclitic and the article ("والاطفال", "and the children").
func arabicFiller(w string) bool {
	rest, _ := dropProclitic(w)
	for _, v := range []string{w, dropArticle(w), rest, dropArticle(rest)} {
		if scriptFillers[scriptArabic][arabicKey(v)] {
			return true
		}
	}
	return false
}

// dropArticle takes the article ال off an Arabic word of four letters or
// more: German place names never take it, everyday nouns often do
// ("المدينة", the town, is not Ahlden).
func dropArticle(w string) string {
	if utf8.RuneCountInString(w) >= 4 && strings.HasPrefix(w, "ال") {
		return strings.TrimPrefix(w, "ال")
	}
	return w
}

// minArabicTypoKey is the shortest Arabic skeleton matched with a typo: a
// skeleton is much shorter than the name (Ahlden is "altn"), and one letter
// off a four-letter skeleton is an everyday word too often.
const minArabicTypoKey = 5

// dropShortTypos keeps, of the hits on Arabic skeletons, only exact ones for
// keys shorter than minArabicTypoKey; inside a longer message a key of three
// letters or fewer names only a municipality or an outside town (Soltau
// "slt", Rethem "rtm"), never a village whose skeleton is an everyday word.
func (d *Directory) dropShortTypos(s *scratch) {
	ix := s.ix
	s.hits = slices.DeleteFunc(s.hits, func(h hit) bool {
		if h.key < 0 {
			return false
		}
		k := ix.keys[h.key]
		if h.dist > 0 && len(k.s) < minArabicTypoKey {
			return true
		}
		return !s.single && len(k.s) < minTypoLen && slices.ContainsFunc(k.entries, func(e entry) bool {
			return e.place >= 0 && !IsMunicipality(d.places[e.place].Kind)
		})
	})
}

// cyrillicCaseEndings are the endings Ukrainian and Russian add to a
// foreign place name in a sentence (genitive, dative, locative, instrumental),
// longest first.
var cyrillicCaseEndings = []string{"ові", "ому", "ою", "ої", "ом", "ем", "ей", "і", "ї", "у", "ю", "а", "я", "е", "и"}

// dropCaseEnding takes a case ending off a Cyrillic word of five letters or
// more (what remains keeps at least four).
func dropCaseEnding(w string) string {
	n := utf8.RuneCountInString(w)
	for _, e := range cyrillicCaseEndings {
		if m := utf8.RuneCountInString(e); n-m >= minTypoLen && strings.HasSuffix(w, e) {
			return strings.TrimSuffix(w, e)
		}
	}
	return w
}

// arabicPlacePrepositions are the keys of في (in), من (from), إلى/الى (to),
// بالقرب (near): a short skeleton after them may name a place.
var arabicPlacePrepositions = keySet(arabicKey, "في", "من", "إلى", "الى", "بالقرب", "قرب")

// scriptWords returns the words of q made of letters (and combining marks) of
// script sc, lower-cased and in NFC.
func scriptWords(q string, sc script) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range norm.NFC.String(q) {
		if x, ok := scriptOf(r); ok && x == sc && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if unicode.Is(unicode.Mn, r) && b.Len() > 0 {
			continue // a combining mark inside a word
		}
		flush()
	}
	flush()
	return out
}

// wordKey is the key of one word written in script sc.
func wordKey(w string, sc script) string {
	if sc == scriptArabic {
		return arabicKey(w)
	}
	return cyrillicKey(w)
}

// germanKey is the key of a German name in script sc's key alphabet, without
// qualifiers ("Bad", "(Aller)"), the words joined, and the number of words.
func germanKey(name string, sc script) (string, int) {
	words := latinWords(name)
	var b strings.Builder
	n := 0
	for _, w := range words {
		if len(words) > 1 && qualifiers[fold(w, false)] {
			continue
		}
		if sc == scriptArabic {
			b.WriteString(germanArabicKey(w))
		} else {
			b.WriteString(germanCyrillicKey(w))
		}
		n++
	}
	return collapse(b.String()), n
}

// latinWords splits a German name into lower-case words of letters.
func latinWords(name string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFC.String(name)), func(r rune) bool { return !unicode.IsLetter(r) })
}

// collapse writes doubled letters once and joins "dt" to "t" and "tc" to "c"
// (Schwarmstedt, Швармштедт; Wietzendorf, Вітцендорф).
func collapse(s string) string {
	s = strings.NewReplacer("dt", "t", "tc", "c").Replace(s)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// cyrillicLetters maps Cyrillic letters (Ukrainian, Russian, Belarusian) to
// the key alphabet; the soft and hard signs have no sound of their own.
var cyrillicLetters = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "h", 'д': "d", 'е': "e", 'є': "ie", 'ё': "io",
	'ж': "s", 'з': "s", 'и': "i", 'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ў': "u", 'ф': "v",
	'х': "h", 'ц': "c", 'ч': "c", 'ш': "s", 'щ': "s", 'ъ': "", 'ы': "i", 'ь': "", 'э': "e",
	'ю': "iu", 'я': "ia", '\'': "", '’': "", 'ʼ': "",
}

// cyrillicKey is the key of a Cyrillic word; letters of other scripts are
// skipped.
func cyrillicKey(w string) string {
	var b strings.Builder
	for _, r := range w {
		b.WriteString(cyrillicLetters[unicode.ToLower(r)])
	}
	return collapse(b.String())
}

// germanCyrillicRules rewrite a German word into the Cyrillic key alphabet,
// longest match first; single letters follow germanCyrillicLetters.
var germanCyrillicRules = []struct{ from, to string }{
	{"tsch", "c"}, {"sch", "s"}, {"chs", "ks"}, {"ch", "h"}, {"ck", "k"}, {"tz", "c"},
	{"ph", "v"}, {"th", "t"}, {"dt", "t"}, {"qu", "kv"},
	{"ei", "ai"}, {"ey", "ai"}, {"ai", "ai"}, {"eu", "oi"}, {"äu", "oi"}, {"ie", "i"},
}

var germanCyrillicLetters = map[rune]string{
	'a': "a", 'b': "b", 'd': "d", 'e': "e", 'f': "v", 'g': "h", 'i': "i", 'j': "i", 'k': "k",
	'l': "l", 'm': "m", 'n': "n", 'o': "o", 'p': "p", 'q': "k", 'r': "r", 's': "s", 't': "t",
	'u': "u", 'v': "v", 'w': "v", 'x': "ks", 'y': "i", 'z': "c", 'ä': "e", 'ö': "io", 'ü': "iu",
	'ß': "s", 'é': "e", 'è': "e",
}

// germanCyrillicKey is the Cyrillic key of one lower-case German word.
func germanCyrillicKey(w string) string {
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if to, n := matchRule(rs, i, germanCyrillicRules); n > 0 {
			b.WriteString(to)
			i += n
			continue
		}
		r := rs[i]
		switch r {
		case 'c': // ц before e, i, y, ä; else к
			if i+1 < len(rs) && strings.ContainsRune("eiyä", rs[i+1]) {
				b.WriteString("c")
			} else {
				b.WriteString("k")
			}
		case 'h':
			if !silentH(rs, i) {
				b.WriteString("h")
			}
		default:
			b.WriteString(germanCyrillicLetters[r])
		}
		i++
	}
	return b.String()
}

// silentH reports whether the h at rs[i] only lengthens the vowel before it
// ("Ahlden", "Wohlendorf", "Ehrhorn"): after a vowel, before a consonant or
// at the end of the word.
func silentH(rs []rune, i int) bool {
	return i > 0 && isGermanVowel(rs[i-1]) && (i+1 == len(rs) || !isGermanVowel(rs[i+1]))
}

func isGermanVowel(r rune) bool { return strings.ContainsRune("aeiouyäöü", r) }

// matchRule returns the replacement of the first rule matching rs at i and the
// number of runes it covers.
func matchRule(rs []rune, i int, rules []struct{ from, to string }) (string, int) {
	for _, rule := range rules {
		from := []rune(rule.from)
		if i+len(from) > len(rs) {
			continue
		}
		ok := true
		for j, r := range from {
			if rs[i+j] != r {
				ok = false
				break
			}
		}
		if ok {
			return rule.to, len(from)
		}
	}
	return "", 0
}

// Arabic skeleton classes: "a" stands for a word's first vowel, "x" for ش/sch.
var arabicLetters = map[rune]string{
	'ب': "b", 'پ': "b",
	'ت': "t", 'ط': "t", 'د': "t", 'ض': "t",
	'ث': "s", 'س': "s", 'ص': "s", 'ز': "s", 'ذ': "s", 'ظ': "s", 'ژ': "s",
	'ش': "x", 'چ': "x",
	'ج': "k", 'غ': "k", 'ك': "k", 'ک': "k", 'ق': "k", 'گ': "k",
	'خ': "h", 'ح': "h", 'ه': "h", 'ة': "h",
	'ف': "f", 'ڤ': "f", 'ل': "l", 'م': "m", 'ن': "n", 'ر': "r",
}

// arabicVowels are letters that stand for vowels (or the glottal stop) in a
// transcription: dropped, except at the start of a word, where they are "a".
var arabicVowels = map[rune]bool{'ا': true, 'أ': true, 'إ': true, 'آ': true, 'ٱ': true, 'ى': true, 'ء': true, 'ؤ': true, 'ئ': true, 'ع': true}

// arabicKey is the consonant skeleton of an Arabic word. و and ي are vowels
// inside a word; at its start و is w (ف class) and ي is y. A final ه or ة is
// the vowel e/a of the transcription and dropped.
func arabicKey(w string) string {
	rs := []rune(w)
	var b strings.Builder
	first := true
	for i, r := range rs {
		switch {
		case unicode.Is(unicode.Mn, r) || r == 'ـ': // harakat, tatweel
			continue
		case arabicVowels[r]:
			if first {
				b.WriteString("a")
			}
		case r == 'و':
			if first {
				b.WriteString("f")
			}
		case r == 'ي' || r == 'ی':
			if first {
				b.WriteString("y")
			}
		case (r == 'ه' || r == 'ة') && i == len(rs)-1 && !first:
		default:
			b.WriteString(arabicLetters[r])
		}
		first = false
	}
	return collapse(b.String())
}

// germanArabicRules rewrite a German word into Arabic skeleton classes,
// longest match first; vowels are handled by germanArabicKey.
var germanArabicRules = []struct{ from, to string }{
	{"tsch", "x"}, {"sch", "x"}, {"chs", "ks"}, {"ch", "h"}, {"ck", "k"}, {"tz", "ts"},
	{"ph", "f"}, {"th", "t"}, {"dt", "t"}, {"qu", "kf"},
}

var germanArabicLetters = map[rune]string{
	'b': "b", 'p': "b", 'd': "t", 't': "t", 's': "s", 'ß': "s", 'z': "ts", 'g': "k", 'k': "k",
	'q': "k", 'f': "f", 'v': "f", 'w': "f", 'l': "l", 'm': "m", 'n': "n", 'r': "r", 'x': "ks",
}

// germanArabicKey is the Arabic skeleton of one lower-case German word.
func germanArabicKey(w string) string {
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case i == 0 && (r == 'j' || r == 'y'):
			b.WriteString("y")
			i++
			continue
		case isGermanVowel(r) || r == 'j':
			if i == 0 {
				b.WriteString("a")
			}
			i++
			continue
		}
		if to, n := matchRule(rs, i, germanArabicRules); n > 0 {
			b.WriteString(to)
			i += n
			continue
		}
		switch r {
		case 'c': // ts before e, i, y, ä; else k
			if i+1 < len(rs) && strings.ContainsRune("eiyä", rs[i+1]) {
				b.WriteString("ts")
			} else {
				b.WriteString("k")
			}
		case 'h':
			if !silentH(rs, i) {
				b.WriteString("h")
			}
		default:
			b.WriteString(germanArabicLetters[r])
		}
		i++
	}
	return b.String()
}

// dropProclitic takes a one-letter Arabic proclitic (و and, ب in, ل to, ف so,
// ك like) off a word of four letters or more; place reports ب or ل, which
// introduce a place like a preposition.
func dropProclitic(w string) (rest string, place bool) {
	r, n := utf8.DecodeRuneInString(w)
	if utf8.RuneCountInString(w) >= 4 && strings.ContainsRune("وبلفك", r) {
		return w[n:], r == 'ب' || r == 'ل'
	}
	return w, false
}

// scriptFillers are the keys of common words of Ukrainian, Russian and Arabic
// messages to the bot: greetings, thanks, "we live in", "help", "where".
// They never match a place (compare fillers in words.go). Words whose key is
// a place's key are left out (طفل "child" is Tewel's, عائلتي "my family"
// Eilte's): short Arabic skeletons need a preposition anyway (tokeniseScript).
var scriptFillers = [numScripts]map[string]bool{
	scriptCyrillic: keySet(cyrillicKey,
		// Ukrainian
		"привіт", "вітаю", "добрий", "день", "ранок", "вечір", "дякую", "будь", "ласка", "так", "ні",
		"я", "ми", "ви", "живу", "живемо", "живете", "мешкаю", "мешкаємо", "проживаю", "проживаємо", "в", "у",
		"з", "із", "до", "біля", "поруч", "на", "місто", "місті", "село", "селі", "район", "районі",
		"допомога", "допомогти", "допоможіть", "потрібна", "потрібно", "треба", "де", "хто", "що", "як",
		"дитина", "дитини", "діти", "дітей", "сім'я", "сімя", "родина", "нас", "мене", "мені", "наш",
		"наша", "переїхали", "звідки", "адреса", "індекс", "будь-ласка", "добре", "гарного", "дня",
		// Russian
		"здравствуйте", "привет", "спасибо", "пожалуйста", "да", "нет", "мы", "живём", "живем", "вы",
		"город", "городе", "деревня", "деревне", "около", "рядом", "помощь", "помогите", "нужна",
		"нужно", "где", "кто", "что", "ребёнок", "ребенок", "дети", "семья", "меня", "нам", "наш",
		"переехали", "доброе", "утро", "добрый", "вечер"),
	scriptArabic: keySet(arabicKey,
		"مرحبا", "مرحباً", "أهلا", "اهلا", "السلام", "عليكم", "شكرا", "شكراً", "من", "فضلك", "نعم", "لا",
		"أنا", "انا", "نحن", "أسكن", "اسكن", "نسكن", "أعيش", "اعيش", "نعيش", "في", "إلى", "الى", "مدينة",
		"قرية", "قريب", "بالقرب", "مساعدة", "أحتاج", "احتاج", "نحتاج", "أين", "اين",
		"عائلة", "أطفال", "اطفال", "عنوان", "صباح", "مساء", "الخير", "كيف",
		"هل", "ما", "هذا", "هنا", "لدي", "لدينا", "انتقلنا", "رمز"),
}

func keySet(key func(string) string, words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		if k := key(strings.ToLower(w)); k != "" {
			m[k] = true
		}
	}
	return m
}

// index is the index the hits in s refer to: a script's, or the Latin one.
func (d *Directory) index(s *scratch) *index {
	if s.ix != nil {
		return s.ix
	}
	return d.idx
}
