// Package intent tells what a parent's message is about before anything else
// is done with it: a crisis (danger to someone's life or body, violence at
// home, abuse or neglect of a child, suicidal thoughts, an acute threat), a
// need (a question about family life, childcare, school, separation, ...),
// small talk (greetings, thanks, goodbyes, yes and no), a question about the
// service (costs, opening hours, languages) or none of these, which leaves
// the text to the place resolver.
//
// It is transparent and testable: lexicons of patterns per language
// (lexicon/*.toml: German, English, Ukrainian, Russian, Arabic, Turkish),
// applied to normalised words (case, umlauts and other diacritics, Turkish
// dotless i, Arabic letter variants and diacritics, apostrophes inside
// Cyrillic words), with word stems ("schlag*"), alternatives
// ("mann|partner"), words in order with small gaps, tolerance of one typo in
// longer words, and negation ("ich habe keine Angst vor ihm"). It keeps
// nothing and logs nothing; it imports neither Telegram nor Redis nor the
// directory (topics are the directory's offering ids as plain strings).
//
// Crisis wins over everything: a missed crisis is far worse than help shown
// once too often.
package intent
