package directory

// colognePhonetic appends the Kölner Phonetik code of the folded (lower-case
// ASCII) word w to dst: a sound-alike key for German spellings, so that
// "Vallingbostel" and "Fallingbostel" share the key "35164158" ... as digits.
// Digits in w are skipped.
func colognePhonetic(dst, w []byte) []byte {
	start := len(dst)
	var last byte = 0xff // previous code written (before collapsing zeros)
	for i := 0; i < len(w); i++ {
		c := w[i]
		var prev, next byte
		if i > 0 {
			prev = w[i-1]
		}
		if i+1 < len(w) {
			next = w[i+1]
		}
		var code string
		switch c {
		case 'a', 'e', 'i', 'j', 'o', 'u', 'y':
			code = "0"
		case 'h':
			code = ""
		case 'b':
			code = "1"
		case 'p':
			if next == 'h' {
				code = "3"
			} else {
				code = "1"
			}
		case 'd', 't':
			if next == 'c' || next == 's' || next == 'z' {
				code = "8"
			} else {
				code = "2"
			}
		case 'f', 'v', 'w':
			code = "3"
		case 'g', 'k', 'q':
			code = "4"
		case 'c':
			if i == 0 {
				switch next {
				case 'a', 'h', 'k', 'l', 'o', 'q', 'r', 'u', 'x':
					code = "4"
				default:
					code = "8"
				}
			} else if prev == 's' || prev == 'z' {
				code = "8"
			} else {
				switch next {
				case 'a', 'h', 'k', 'o', 'q', 'u', 'x':
					code = "4"
				default:
					code = "8"
				}
			}
		case 'x':
			if prev == 'c' || prev == 'k' || prev == 'q' {
				code = "8"
			} else {
				code = "48"
			}
		case 'l':
			code = "5"
		case 'm', 'n':
			code = "6"
		case 'r':
			code = "7"
		case 's', 'z':
			code = "8"
		default:
			continue
		}
		for j := 0; j < len(code); j++ {
			d := code[j]
			if d == last {
				continue
			}
			last = d
			if d == '0' && len(dst) > start {
				continue // zeros only at the start
			}
			dst = append(dst, d)
		}
	}
	return dst
}
