package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

const (
	grp       = int64(-100555)
	botID     = int64(424242) // the number before the colon of the token
	grpAdmin  = int64(31)
	grpMember = int64(32)
	otherChat = int64(1099) // a private chat whose answer marks that earlier updates were taken
)

// quiet pushes updates the bot must not answer, then a private /bezirke as a
// marker: once the marker is handled, every update before it was taken. It
// returns the requests made meanwhile except the marker's answer.
func (w *world) quiet(updates ...models.Update) []fakeapi.Request {
	w.t.Helper()
	w.api.Push(updates...)
	marker := w.api.Push(fakeapi.TextUpdate(otherChat, "de", "/bezirke"))[0]
	w.handled(marker)
	var out []fakeapi.Request
	for _, r := range w.since() {
		if r.ChatID != otherChat {
			out = append(out, r)
		}
	}
	return out
}

// service is a service message in the group (someone joined, left, a pin, a new title).
func service(kind string) models.Update {
	u := fakeapi.GroupTextUpdate(grp, grpMember, "")
	m := u.Message
	switch kind {
	case "joined":
		m.NewChatMembers = []models.User{{ID: 77, FirstName: "Neu"}}
	case "left":
		m.LeftChatMember = &models.User{ID: 77, FirstName: "Neu"}
	case "pinned":
		m.PinnedMessage = &models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: 5, Chat: m.Chat, Date: m.Date, Text: "angepinnt"}}
	case "title":
		m.NewChatTitle = "Kita Sonnenschein Eltern"
	}
	return u
}

// TestGroupChat: in a supergroup the bot answers only what is meant for it,
// introduces itself once when added, and leaves the group's stored data to the
// group's administrators (asked with getChatMember).
func TestGroupChat(t *testing.T) {
	w := start(t, config{pace: bot.NoChatPace}) // the requests matter here, not Telegram's group pace
	w.api.SetChatMember(grp, grpAdmin, fakeapi.StatusAdministrator)
	w.since()

	t.Run("added to the group: exactly one introduction", func(t *testing.T) {
		reqs := w.step(fakeapi.MyChatMemberUpdate(grp, grpAdmin, botID, "left", "member"))
		expect(t, reqs, text(grp, "", "", "Hallo in die Runde!", "<code>@SozialraumBot Dorfmark</code>", "/abo"))
		// Promoted, or another member update: nothing more.
		reqs = w.quiet(fakeapi.MyChatMemberUpdate(grp, grpAdmin, botID, "member", "administrator"),
			fakeapi.MyChatMemberUpdate(4711, 4711, botID, "member", "kicked"), // a private chat blocked the bot
			fakeapi.MyChatMemberUpdate(grp, grpAdmin, botID, "administrator", "left"))
		expect(t, reqs)
	})
	t.Run("chatter, stickers and service messages: no reply at all", func(t *testing.T) {
		sticker := fakeapi.GroupTextUpdate(grp, grpMember, "")
		sticker.Message.Sticker = &models.Sticker{FileID: "s", FileUniqueID: "s", Type: "regular", Width: 1, Height: 1}
		replyToMember := fakeapi.ReplyTo(fakeapi.GroupTextUpdate(grp, grpMember, "Walsrode"), grpAdmin, false, 3)
		otherBot := fakeapi.GroupTextUpdate(grp, 555, "Dorfmark")
		otherBot.Message.From.IsBot = true
		channelPost := models.Update{ChannelPost: &models.Message{ID: 1, Date: int(time.Now().Unix()),
			Chat: models.Chat{ID: -100999, Type: models.ChatTypeChannel, Title: "Kanal"}, Text: "Dorfmark"}}
		viaBot := fakeapi.TextUpdate(4711, "de", "📍 Dorfmark gehört zum …")
		viaBot.Message.ViaBot = &models.User{ID: botID, IsBot: true, FirstName: "Sozialraumbot"}
		reqs := w.quiet(
			fakeapi.GroupTextUpdate(grp, grpMember, "Wer bringt morgen Kuchen mit?"),
			fakeapi.GroupTextUpdate(grp, grpMember, "Dorfmark"),
			fakeapi.GroupTextUpdate(grp, grpMember, "Mail an sozialraumbot@example.org"),
			fakeapi.GroupTextUpdate(grp, grpMember, "@SozialraumBotFan Dorfmark"),
			sticker, replyToMember, otherBot, channelPost, viaBot,
			service("joined"), service("left"), service("pinned"), service("title"),
			fakeapi.GroupTextUpdate(grp, grpMember, "/start@otherbot"),
			fakeapi.GroupTextUpdate(grp, grpMember, "/hilfe@AnderBot Dorfmark"),
		)
		expect(t, reqs)
	})
	t.Run("commands: bare and addressed to the bot", func(t *testing.T) {
		for _, cmd := range []string{"/hilfe@SozialraumBot", "/hilfe@sozialraumbot", "/hilfe"} {
			expect(t, w.step(fakeapi.GroupTextUpdate(grp, grpMember, cmd)),
				text(grp, "", "", "<b>So helfe ich Ihnen</b>", "In einer Gruppe antworte ich nur", "<code>@SozialraumBot Ortsname</code>"))
		}
	})
	t.Run("a mention, the mention stripped", func(t *testing.T) {
		for _, in := range []string{"@SozialraumBot Dorfmark", "Dorfmark @sozialraumbot", "@SozialraumBot, wir wohnen in Dorfmark"} {
			expect(t, w.step(fakeapi.GroupTextUpdate(grp, grpMember, in)),
				text(grp, "", dorfmarkCard, "📍 <b>Dorfmark</b> gehört zum"))
		}
	})
	t.Run("a reply to the bot's message", func(t *testing.T) {
		expect(t, w.step(fakeapi.ReplyTo(fakeapi.GroupTextUpdate(grp, grpMember, "Walsrode"), botID, true, 7)),
			text(grp, "", "", "<b>Walsrode</b>"))
	})
	t.Run("a press on the bot's button", func(t *testing.T) {
		cb := fakeapi.GroupCallbackUpdate(grp, grpMember, 7, "v1|o|walsrode")
		reqs := w.step(cb)
		expect(t, reqs, want{method: "answerCallbackQuery", params: map[string]string{"callback_query_id": cb.CallbackQuery.ID}},
			text(grp, "", "", "Angebote im"))
	})
	t.Run("the group's data: members are refused", func(t *testing.T) {
		for _, cmd := range []string{"/loeschen", "/abo@SozialraumBot", "/meinedaten"} {
			reqs := w.step(fakeapi.GroupTextUpdate(grp, grpMember, cmd))
			if cmd == "/loeschen" {
				expect(t, reqs, want{method: "getChatMember", params: map[string]string{"chat_id": fmt.Sprint(grp), "user_id": fmt.Sprint(grpMember)}},
					text(grp, "", "", "nur ihre Admins", "@SozialraumBot"))
				continue
			}
			expect(t, reqs, text(grp, "", "", "nur ihre Admins")) // cached: no second getChatMember
		}
		cb := fakeapi.GroupCallbackUpdate(grp, grpMember, 7, "v1|a|walsrode")
		expect(t, w.step(cb), want{method: "answerCallbackQuery", params: map[string]string{"callback_query_id": cb.CallbackQuery.ID},
			contains: map[string][]string{"text": {"nur ihre Admins"}}})
		if n := w.rdb.Exists(context.Background(), w.prefix+":chat:"+fmt.Sprint(grp)+":subs").Val(); n != 0 {
			t.Error("a member's button subscribed the group")
		}
	})
	t.Run("the group's data: the admin's delete, confirmed only by the admin", func(t *testing.T) {
		reqs := w.step(fakeapi.GroupTextUpdate(grp, grpAdmin, "/abo"))
		expect(t, reqs, want{method: "getChatMember", params: map[string]string{"user_id": fmt.Sprint(grpAdmin)}},
			text(grp, "", "", "Gern!", "Walsrode"))
		reqs = w.step(fakeapi.GroupTextUpdate(grp, grpAdmin, "/loeschen"))
		expect(t, reqs, text(grp, "", "", "wirklich"))
		yes := find(t, reqs[0], "v1|x|")
		msg := messageID(t, reqs[0])
		// Another member presses "yes": nothing is deleted.
		cb := fakeapi.GroupCallbackUpdate(grp, grpMember, msg, yes.CallbackData)
		expect(t, w.step(cb), want{method: "answerCallbackQuery", params: map[string]string{"callback_query_id": cb.CallbackQuery.ID},
			contains: map[string][]string{"text": {"wer /loeschen geschickt hat"}}})
		subsKey := w.prefix + ":chat:" + fmt.Sprint(grp) + ":subs"
		if n := w.rdb.Exists(context.Background(), subsKey).Val(); n != 1 {
			t.Fatal("another member's press deleted the group's data")
		}
		cb = fakeapi.GroupCallbackUpdate(grp, grpAdmin, msg, yes.CallbackData)
		reqs = w.step(cb)
		expect(t, reqs, want{method: "answerCallbackQuery"}, text(grp, "", "", "gelöscht"))
		if n := w.rdb.Exists(context.Background(), subsKey).Val(); n != 0 {
			t.Error("the admin's confirmation did not delete")
		}
	})
}

// A shared contact card is answered (not "I received no text"), its number
// reaches neither the log nor Redis.
func TestSharedContactCard(t *testing.T) {
	w := start(t, config{})
	w.since()
	for _, own := range []bool{true, false} {
		reqs := w.step(fakeapi.ContactUpdate(chat, own, "0151 99887766"))
		if methods(reqs) != "sendMessage" {
			t.Fatalf("sent %s", methods(reqs))
		}
		mustContain(t, reqs[0].Params["text"], "brauche ich nicht", "gespeichert")
		if strings.Contains(reqs[0].Params["text"], "keinen Text") {
			t.Error("a contact card answered as an empty message")
		}
	}
	ctx := context.Background()
	iter := w.rdb.Scan(ctx, 0, w.prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if w.rdb.Type(ctx, k).Val() == "string" && strings.Contains(w.rdb.Get(ctx, k).Val(), "99887766") {
			t.Errorf("%s holds the phone number", k)
		}
		if strings.Contains(k, ":chat:") {
			t.Errorf("%s: a contact card stored chat state", k)
		}
	}
}
