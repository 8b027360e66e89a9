package bot

import (
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// TestMapGroupMessages: what in a group is meant for the bot, and its text.
func TestMapGroupMessages(t *testing.T) {
	me := identity{id: 4242, username: "HeideBot"}
	const g, member = int64(-100), int64(7)
	msg := func(text string) models.Update { return fakeapi.GroupTextUpdate(g, member, text) }
	withSticker := func(u models.Update) models.Update {
		u.Message.Sticker = &models.Sticker{FileID: "s", FileUniqueID: "s", Type: "regular"}
		return u
	}
	asChat := msg("/meinedaten")
	asChat.Message.SenderChat = &models.Chat{ID: g, Type: models.ChatTypeSupergroup}
	asChat.Message.From = &models.User{ID: 1087968824, IsBot: true, FirstName: "Group"}
	forward := msg("@HeideBot Dorfmark")
	forward.Message.IsAutomaticForward = true
	caption := fakeapi.GroupTextUpdate(g, member, "")
	caption.Message.Photo, caption.Message.Caption = []models.PhotoSize{{FileID: "p"}}, "@HeideBot Walsrode"
	tests := []struct {
		name string
		u    models.Update
		kind string // "" ignored
		text string
	}{
		{"chatter", msg("Wer bringt Kuchen mit?"), "", ""},
		{"a place without mention", msg("Dorfmark"), "", ""},
		{"bare command", msg("/hilfe"), kindMessage, "/hilfe"},
		{"command to us", msg("/hilfe@HeideBot"), kindMessage, "/hilfe@HeideBot"},
		{"command to us, other case", msg("/abo@heidebot"), kindMessage, "/abo@heidebot"},
		{"command to another bot", msg("/start@OtherBot"), "", ""},
		{"command to another bot with args", msg("/start@OtherBot Dorfmark"), "", ""},
		{"mention first", msg("@HeideBot Dorfmark"), kindMessage, "Dorfmark"},
		{"mention last", msg("Wir wohnen in Dorfmark @heidebot"), kindMessage, "Wir wohnen in Dorfmark"},
		{"mention with comma", msg("@HeideBot, Dorfmark"), kindMessage, "Dorfmark"},
		{"mention only", msg("@HeideBot"), kindOther, ""}, // answered as an empty message
		{"a longer name", msg("@HeideBotter Dorfmark"), "", ""},
		{"an e-mail address", msg("post@HeideBot.de"), "", ""},
		{"reply to the bot", fakeapi.ReplyTo(msg("Walsrode"), 4242, true, 9), kindMessage, "Walsrode"},
		{"reply to someone else", fakeapi.ReplyTo(msg("Walsrode"), 8, false, 9), "", ""},
		{"sticker", withSticker(msg("")), "", ""},
		{"sticker replying to the bot", withSticker(fakeapi.ReplyTo(msg(""), 4242, true, 9)), kindOther, ""},
		{"location", fakeapi.LocationUpdate(g, 52.9, 9.6), "", ""},
		{"location replying to the bot", fakeapi.ReplyTo(fakeapi.LocationUpdate(g, 52.9, 9.6), 4242, true, 9), kindLocation, ""},
		{"photo with a mention in the caption", caption, kindMessage, "Walsrode"},
		{"anonymous admin", asChat, kindMessage, "/meinedaten"},
		{"automatic forward", forward, "", ""},
		{"contact card", fakeapi.ContactUpdate(g, true, "0151 1"), "", ""},
		{"joined", fakeapi.MyChatMemberUpdate(g, member, 4242, "left", "member"), kindJoined, ""},
		{"joined as admin", fakeapi.MyChatMemberUpdate(g, member, 4242, "kicked", "administrator"), kindJoined, ""},
		{"promoted", fakeapi.MyChatMemberUpdate(g, member, 4242, "member", "administrator"), "", ""},
		{"removed", fakeapi.MyChatMemberUpdate(g, member, 4242, "member", "left"), "", ""},
		{"private chat blocked", fakeapi.MyChatMemberUpdate(5, 5, 4242, "member", "kicked"), "", ""},
		{"service: new member", func() models.Update {
			u := msg("")
			u.Message.NewChatMembers = []models.User{{ID: 9}}
			return u
		}(), "", ""},
		{"service in a private chat", fakeapi.TextUpdate(5, "de", ""), "", ""},
		{"private contact card", fakeapi.ContactUpdate(5, false, "0151 1"), kindContact, ""},
		{"private text", fakeapi.TextUpdate(5, "de", "Dorfmark"), kindMessage, "Dorfmark"},
		{"own inline result posted", func() models.Update {
			u := fakeapi.TextUpdate(5, "de", "📍 Dorfmark")
			u.Message.ViaBot = &models.User{ID: 4242, IsBot: true}
			return u
		}(), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := mapUpdate(&tt.u, me)
			if tt.kind == "" {
				if ok || m.kind != kindIgnored {
					t.Fatalf("mapped as %s: %+v; want ignored", m.kind, m.update)
				}
				return
			}
			if !ok || m.kind != tt.kind || m.update.Text != tt.text {
				t.Fatalf("mapped %v as %s %q, want %s %q", ok, m.kind, m.update.Text, tt.kind, tt.text)
			}
			u := m.update
			if u.ChatID < 0 && (!u.Group || u.Private) || u.ChatID > 0 && (u.Group || !u.Private) {
				t.Errorf("chat %d: group %v, private %v", u.ChatID, u.Group, u.Private)
			}
			if tt.name == "anonymous admin" && !u.AsChat {
				t.Error("an anonymous admin's message is not marked AsChat")
			}
			if tt.kind == kindJoined && (!u.Joined || u.User.ID != member) {
				t.Errorf("joined update %+v", u)
			}
			if tt.kind == kindContact && (u.Contact == nil || u.Contact.Own) {
				t.Errorf("contact %+v", u.Contact)
			}
		})
	}
}

// Group chatter is counted as ignored, never handled, and the bot's identity
// comes from getMe.
func TestGroupChatterIgnoredAndCounted(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithUsername("HeideBot"))
	m := &countMetrics{}
	conv := &echoConv{}
	api.Push(
		fakeapi.GroupTextUpdate(-100, 7, "Hallo zusammen"),
		fakeapi.GroupTextUpdate(-100, 7, "/start@OtherBot"),
		fakeapi.GroupTextUpdate(-100, 7, "@HeideBot Dorfmark"),
	)
	r := startBot(t, api, Options{Conversation: conv, Metrics: m})
	if _, err := api.WaitChat("sendMessage", -100, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	got := conv.handled()
	if len(got) != 1 || got[0].Text != "Dorfmark" || !got[0].Group {
		t.Fatalf("handled %+v", got)
	}
	if n := m.count("update", "ignored"); n != 2 {
		t.Errorf("ignored updates counted: %v, want 2", n)
	}
	if n := len(api.Requests("getMe")); n != 1 {
		t.Errorf("%d getMe calls, want 1", n)
	}
}

// TestMapContactCards: only the sender's own card, in a private chat, hands on
// its number and first name; someone else's card, and any card in a group,
// carries neither.
func TestMapContactCards(t *testing.T) {
	me := identity{id: 424242, username: "SozialraumBot"}
	own := fakeapi.SharedOwnNumber(5, "4915123456789", "Erika")
	m, ok := mapUpdate(&own, me)
	if !ok || m.update.Contact == nil || !m.update.Contact.Own || m.update.Contact.Phone != "4915123456789" ||
		m.update.Contact.FirstName != "Erika" || m.update.User.FirstName != "Erika" {
		t.Fatalf("own card: %v %+v", ok, m.update.Contact)
	}
	other := fakeapi.ContactUpdate(5, false, "0151 99887766")
	if m, _ := mapUpdate(&other, me); m.update.Contact == nil || m.update.Contact.Own || m.update.Contact.Phone != "" || m.update.Contact.FirstName != "" {
		t.Errorf("someone else's card: %+v", m.update.Contact)
	}
	// A card with user_id 0 (a contact without Telegram account) is not the sender's.
	zero := fakeapi.ContactUpdate(5, false, "0151 99887766")
	zero.Message.From.ID = 0
	if m, _ := mapUpdate(&zero, me); m.update.Contact != nil && m.update.Contact.Own {
		t.Errorf("a card without user id counts as own: %+v", m.update.Contact)
	}
	inGroup := fakeapi.ReplyTo(fakeapi.GroupTextUpdate(-100, 7, ""), me.id, true, 3)
	inGroup.Message.Contact = &models.Contact{PhoneNumber: "4915123456789", FirstName: "Erika", UserID: 7}
	if m, ok := mapUpdate(&inGroup, me); !ok || m.update.Contact == nil || !m.update.Contact.Own || m.update.Contact.Phone != "" {
		t.Errorf("own card in a group: %v %+v", ok, m.update.Contact)
	}
}
