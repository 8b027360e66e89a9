package handlers_test

import (
	"context"
	"testing"
)

// Cancelling an announcement ends the staff dialogue and nothing else: the
// chat's language is not pinned to the one the staff member happened to use, so
// a later change of the app language is followed.
func TestCancelDoesNotPinTheLanguage(t *testing.T) {
	for _, cancel := range []string{"/abbrechen", "/cancel", "button"} {
		t.Run(cancel, func(t *testing.T) {
			e := newStaffEnv(t, everything)
			e.lang = "de"
			outs := e.say("/ankuendigung")
			if cancel == "button" {
				mustContain(t, texts(e.press(button(t, outs, "v1|s|x|").Data)), "verworfen")
			} else {
				mustContain(t, texts(e.say(cancel)), "verworfen")
			}
			st, err := e.store.LoadState(context.Background(), e.id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Lang != "" || st.Step != "" || st.Draft != nil || st.Nonce != "" {
				t.Errorf("state after cancelling: %+v", st)
			}
			e.lang = "en"
			mustContain(t, texts(e.say("/hilfe")), "How I can help")
		})
	}
}
