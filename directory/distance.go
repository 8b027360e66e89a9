package directory

// maxDistLen is the longest string distance compares; longer inputs are cut.
const maxDistLen = 64

// distance returns the optimal-string-alignment distance between a and b
// (Levenshtein plus transposition of two adjacent characters as one edit), or
// max+1 when it exceeds max. It allocates nothing.
//
// github.com/agnivade/levenshtein computes plain Levenshtein distance; parents
// swap letters ("Avlern" for "Alvern") often enough to count a swap as one
// typo, and the bound lets the resolver stop early. The tests check both agree
// wherever no swap is involved.
func distance(a, b []byte, max int) int {
	if len(a) > maxDistLen {
		a = a[:maxDistLen]
	}
	if len(b) > maxDistLen {
		b = b[:maxDistLen]
	}
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	var r0, r1, r2 [maxDistLen + 1]int // rows i-2, i-1, i
	for j := 0; j <= len(b); j++ {
		r1[j] = j
	}
	for i := 1; i <= len(a); i++ {
		r2[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := r1[j-1] + cost
			if x := r1[j] + 1; x < v {
				v = x
			}
			if x := r2[j-1] + 1; x < v {
				v = x
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				if x := r0[j-2] + 1; x < v {
					v = x
				}
			}
			r2[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > max {
			return max + 1
		}
		r0, r1, r2 = r1, r2, r0
	}
	if d := r1[len(b)]; d <= max {
		return d
	}
	return max + 1
}
