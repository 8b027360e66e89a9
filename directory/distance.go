package directory

import "github.com/agnivade/levenshtein"

// maxDistLen is the longest string distance compares; longer inputs are cut.
const maxDistLen = 40

// distance returns the number of typos between a and b, or max+1 when it
// exceeds max. Both are folded text (see tokenise), so ASCII: one byte is one
// letter.
//
// The edit distance is the Levenshtein distance of
// github.com/agnivade/levenshtein (insertions, deletions, substitutions).
// Parents swap neighbouring letters ("Avlern" for "Alvern") often enough to
// count a swap as one typo, where Levenshtein counts two; swaps adds that on
// top. The result is the least k + Levenshtein(a', b') over the strings a'
// and b' made from a and b by swapping k pairs of adjacent letters, which is
// the unrestricted Damerau-Levenshtein distance (Lowrance-Wagner): a swap
// across a dropped letter ("Coirngen" for "Cordingen") costs two. The tests
// compare it with a reference implementation of that distance.
//
// Most pairs cost one call of levenshtein.ComputeDistance: a swap saves at
// most one of Levenshtein's two edits, so only pairs whose Levenshtein
// distance lies between 2 and 2*max are searched for swaps.
func distance(a []byte, b string, max int) int {
	if len(a) > maxDistLen {
		a = a[:maxDistLen]
	}
	if len(b) > maxDistLen {
		b = b[:maxDistLen]
	}
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	lev := levenshtein.ComputeDistance(string(a), b)
	switch {
	case lev <= 1: // no swap can do better than one edit
		return min(lev, max+1)
	case lev > 2*max: // even with every edit half of a swap
		return max + 1
	}
	// Swap in copies.
	var x, y [maxDistLen]byte
	ta, tb := trimCommon(x[:copy(x[:], a)], y[:copy(y[:], b)])
	return swaps(ta, tb, lev, max+1)
}

// swaps returns the least k + Levenshtein(a', b') over the strings a' and b'
// made from a and b by k swaps of adjacent letters, given lev =
// Levenshtein(a, b), or any value from limit up when that is limit or more.
// It swaps letters in place and puts them back before it returns.
//
// Only swaps of two different letters x, y whose counterparts y ... x occur in
// that order in the other string are tried: any other swap leaves a letter
// that still needs an edit, and then the swap saves nothing.
func swaps(a, b []byte, lev, limit int) int {
	best := min(lev, limit)
	for side := range 2 {
		s, o := a, b
		if side == 1 {
			s, o = b, a
		}
		for i := 0; i+1 < len(s); i++ {
			u, v := s[i], s[i+1]
			if u == v || !inOrder(o, v, u) {
				continue
			}
			s[i], s[i+1] = v, u
			ta, tb := trimCommon(a, b)
			l := levenshtein.ComputeDistance(string(ta), string(tb))
			// The swap costs one; what remains costs at least half its
			// Levenshtein distance.
			if 1+(l+1)/2 < best {
				best = min(best, 1+swaps(ta, tb, l, best-1))
			}
			s[i], s[i+1] = u, v
		}
	}
	return best
}

// inOrder reports whether s has the letter x somewhere before the letter y.
func inOrder(s []byte, x, y byte) bool {
	for i, c := range s {
		if c == x {
			for _, d := range s[i+1:] {
				if d == y {
					return true
				}
			}
			return false
		}
	}
	return false
}

// trimCommon returns a and b without their common prefix and suffix.
func trimCommon(a, b []byte) ([]byte, []byte) {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	return a, b
}
