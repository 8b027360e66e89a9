package directory

import "testing"

func TestDefaultLoads(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(d.Districts()); got != 6 {
		t.Fatalf("districts = %d, want 6", got)
	}
	t.Log(len(d.Places()), d.PostalCodes())
}
