package directory

// maxDistLen is the longest string distance compares; longer inputs are cut.
const maxDistLen = 40

// distance returns the Damerau-Levenshtein distance between a and b (inserts,
// deletions, substitutions and transpositions of adjacent characters, each one
// edit, unrestricted as in Lowrance-Wagner), or max+1 when it exceeds max. It
// allocates nothing.
//
// github.com/agnivade/levenshtein computes plain Levenshtein distance; parents
// swap letters ("Avlern" for "Alvern", "Coirngen" for "Cordingen") often
// enough to count a swap as one typo. The tests check that both agree wherever
// no swap is involved, and the naive baseline benchmark uses agnivade.
func distance(a, b []byte, max int) int {
	if len(a) > maxDistLen {
		a = a[:maxDistLen]
	}
	if len(b) > maxDistLen {
		b = b[:maxDistLen]
	}
	la, lb := len(a), len(b)
	if d := la - lb; d > max || -d > max {
		return max + 1
	}
	const w = maxDistLen + 2
	var h [w * w]uint8
	var da [256]uint8
	inf := uint8(la + lb)
	h[0] = inf
	for i := 0; i <= la; i++ {
		h[(i+1)*w] = inf
		h[(i+1)*w+1] = uint8(i)
	}
	for j := 0; j <= lb; j++ {
		h[j+1] = inf
		h[w+j+1] = uint8(j)
	}
	for i := 1; i <= la; i++ {
		db := 0
		for j := 1; j <= lb; j++ {
			i1, j1 := int(da[b[j-1]]), db
			cost := uint8(1)
			if a[i-1] == b[j-1] {
				cost, db = 0, j
			}
			v := h[i*w+j] + cost              // substitution or match
			if x := h[(i+1)*w+j] + 1; x < v { // insertion
				v = x
			}
			if x := h[i*w+j+1] + 1; x < v { // deletion
				v = x
			}
			if x := h[i1*w+j1] + uint8(i-i1-1) + 1 + uint8(j-j1-1); x < v { // transposition
				v = x
			}
			h[(i+1)*w+j+1] = v
		}
		da[a[i-1]] = uint8(i)
	}
	if d := int(h[(la+1)*w+lb+1]); d <= max {
		return d
	}
	return max + 1
}
