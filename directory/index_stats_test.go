package directory

import "testing"

func TestIndexStats(t *testing.T) {
	d := mustDefault(t)
	set := 0
	for _, w := range d.idx.filter {
		for ; w != 0; w &= w - 1 {
			set++
		}
	}
	t.Logf("keys %d, deletion hashes %d, filter bits set %d of %d (%.1f%%), phonetic codes %d",
		len(d.idx.keys), len(d.idx.dels), set, 1<<filterBits, 100*float64(set)/float64(1<<filterBits), len(d.idx.phon))
}
