package htmltext

import "testing"

func TestPlainAndLen(t *testing.T) {
	tests := []struct {
		in    string
		plain string
		len   int
	}{
		{"", "", 0},
		{"Dorfmark", "Dorfmark", 8},
		{"<b>Vier Linden GmbH &amp; Co. KG</b>", "Vier Linden GmbH & Co. KG", 25},
		{`<a href="https://x.example/?a=1&amp;b=2">mehr</a>`, "mehr", 4},
		{"&lt;script&gt;", "<script>", 8},
		{"👋 Hallo", "👋 Hallo", 8}, // the emoji counts two UTF-16 units
		{"Ä&#228;&quot;", `Ää"`, 3},
		{"a <i>b</i>\n<code>c</code>", "a b\nc", 5},
		{"Grüße", "Grüße", 5},
		{"👨‍👩‍👧", "👨‍👩‍👧", 8}, // three emoji and two joiners
		{"&lt;b&gt;", "<b>", 3},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.plain {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.plain)
		}
		if got := Len(tt.in); got != tt.len {
			t.Errorf("Len(%q) = %d, want %d", tt.in, got, tt.len)
		}
	}
}
