package directory

import "testing"

// TestIndexFindsEveryKey: every key's own spelling and each of its single
// deletions pass the bit filter and lead back to the key.
func TestIndexFindsEveryKey(t *testing.T) {
	d := mustDefault(t)
	ix := d.idx
	for k, key := range ix.keys {
		w := []byte(key.s)
		if len(w) < minTypoLen {
			continue
		}
		var ph prefixHashes
		ph.init(w, ix.pow)
		hashes := []uint64{polyHash(w)}
		for i := range w {
			hashes = append(hashes, ph.without1(len(w), i))
			if want := polyHash(append(append([]byte{}, w[:i]...), w[i+1:]...)); hashes[len(hashes)-1] != want {
				t.Fatalf("%q without %d: hash %x, want %x", key.s, i, hashes[len(hashes)-1], want)
			}
		}
		for _, h := range hashes {
			found := false
			for _, x := range ix.dels[h] {
				found = found || x == int32(k)
			}
			if !ix.mayHave(h) || !found {
				t.Fatalf("key %q not found through hash %x", key.s, h)
			}
		}
	}
	w := []byte("wietzendorf")
	var ph prefixHashes
	ph.init(w, ix.pow)
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			v := append(append(append([]byte{}, w[:i]...), w[i+1:j]...), w[j+1:]...)
			if got, want := ph.without2(len(w), i, j), polyHash(v); got != want {
				t.Fatalf("without2(%d, %d) = %x, want %x (%q)", i, j, got, want, v)
			}
		}
	}
	set := 0
	for _, w := range ix.filter {
		for ; w != 0; w &= w - 1 {
			set++
		}
	}
	t.Logf("keys %d, deletion hashes %d, filter %.1f%% full, phonetic codes %d",
		len(ix.keys), len(ix.dels), 100*float64(set)/float64(1<<filterBits), len(ix.phon))
}
