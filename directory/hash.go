package directory

// Deletion neighbourhoods are looked up by a polynomial hash of the deleted
// string, so the resolver can hash each of a word's deletions in constant time
// from its prefix hashes instead of building and hashing every string. A hash
// collision only brings one more key to the distance check, never a wrong
// answer.

const hashBase = 1099511628211 // odd, so powers never vanish modulo 2^64

// polyHash is Σ (s[k]+1)·B^(len(s)-1-k) modulo 2^64.
func polyHash(s []byte) uint64 {
	var h uint64
	for _, c := range s {
		h = h*hashBase + uint64(c) + 1
	}
	return h
}

// hashPowers returns B^0 .. B^n.
func hashPowers(n int) []uint64 {
	p := make([]uint64, n+1)
	p[0] = 1
	for i := 1; i <= n; i++ {
		p[i] = p[i-1] * hashBase
	}
	return p
}

// prefixHashes holds the polyHash of every prefix of a word, to hash any
// substring, and so any deletion, in constant time.
type prefixHashes struct {
	p   [maxTokenLen + 1]uint64
	pow []uint64
}

func (ph *prefixHashes) init(w []byte, pow []uint64) {
	ph.pow = pow
	for i, c := range w {
		ph.p[i+1] = ph.p[i]*hashBase + uint64(c) + 1
	}
}

// sub is polyHash(w[i:j]).
func (ph *prefixHashes) sub(i, j int) uint64 { return ph.p[j] - ph.p[i]*ph.pow[j-i] }

// without1 is polyHash of w without byte i (n = len(w)).
func (ph *prefixHashes) without1(n, i int) uint64 {
	return ph.sub(0, i)*ph.pow[n-i-1] + ph.sub(i+1, n)
}

// without2 is polyHash of w without bytes i < j.
func (ph *prefixHashes) without2(n, i, j int) uint64 {
	return (ph.sub(0, i)*ph.pow[j-i-1]+ph.sub(i+1, j))*ph.pow[n-j-1] + ph.sub(j+1, n)
}
