package loadtest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

// counters are the outcomes of all parents' turns.
type counters struct {
	answered  atomic.Int64 // turns that got their reply
	timeouts  atomic.Int64 // turns without a reply within TurnTimeout
	extra     atomic.Int64 // replies that came when no turn waited (a turn answered twice or late)
	fallbacks atomic.Int64 // button presses not taken from the bot's keyboard
	pushed    atomic.Int64
}

// parent is one simulated parent: a private chat that sends a step, waits for the
// bot's reply (closed loop), and goes on, pressing the buttons the bot sent.
type parent struct {
	chat    int64
	api     *API
	script  *Script
	rng     *rand.Rand
	replies <-chan Reply
	timeout time.Duration
	think   time.Duration // pause after each answer, see Config.Think
	hist    *Histogram
	c       *counters

	seq      int
	keyboard []string // callback data of the last inline keyboard
	kbMsgID  int
}

// run plays dialogues until stop ends. A turn in flight when stop ends is
// abandoned and not counted.
func (p *parent) run(stop context.Context) {
	for stop.Err() == nil {
		for _, st := range p.script.Dialogue(p.rng) {
			if !p.turn(stop, st) || !p.pause(stop) {
				return
			}
		}
	}
}

// pause waits the think time after an answer; false when stop ended.
func (p *parent) pause(stop context.Context) bool {
	if p.think <= 0 {
		return true
	}
	d := p.think/2 + time.Duration(p.rng.Int64N(int64(p.think)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop.Done():
		return false
	}
}

// turn sends one step and waits for the reply; false when stop ended.
func (p *parent) turn(stop context.Context, st Step) bool {
	for drained := false; !drained; {
		select {
		case r := <-p.replies:
			p.observe(r)
			if r.Completes() {
				p.c.extra.Add(1)
			}
		default:
			drained = true
		}
	}
	u := p.update(st)
	t0 := time.Now()
	p.api.Push(u)
	p.c.pushed.Add(1)
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	for {
		select {
		case r := <-p.replies:
			p.observe(r)
			if r.Completes() {
				if stop.Err() != nil {
					return false
				}
				p.hist.Record(r.At.Sub(t0))
				p.c.answered.Add(1)
				return true
			}
		case <-timer.C:
			p.c.timeouts.Add(1)
			return stop.Err() == nil
		case <-stop.Done():
			return false
		}
	}
}

// observe keeps the inline keyboard of a sent message.
func (p *parent) observe(r Reply) {
	if r.MessageID == 0 || !strings.Contains(r.Markup, "inline_keyboard") {
		return
	}
	var m struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(r.Markup), &m) != nil {
		return
	}
	var data []string
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != "" {
				data = append(data, b.CallbackData)
			}
		}
	}
	if len(data) > 0 {
		p.keyboard, p.kbMsgID = data, r.MessageID
	}
}

// press chooses the callback data for a button step.
func (p *parent) press(st Step) string {
	for _, prefix := range st.Prefixes {
		for _, d := range p.keyboard {
			if strings.HasPrefix(d, prefix) {
				return d
			}
		}
	}
	if len(p.keyboard) > 0 {
		return p.keyboard[0]
	}
	p.c.fallbacks.Add(1)
	return st.Fallback
}

// update builds the Telegram update of a step.
func (p *parent) update(st Step) models.Update {
	p.seq++
	user := models.User{ID: p.chat, FirstName: "Elternteil", LanguageCode: st.Lang}
	chat := models.Chat{ID: p.chat, Type: models.ChatTypePrivate, FirstName: "Elternteil"}
	now := int(time.Now().Unix())
	qid := strconv.FormatInt(p.chat, 10) + "-" + strconv.Itoa(p.seq)
	switch st.Kind {
	case KindButton:
		data := p.press(st)
		msgID := max(p.kbMsgID, 1)
		return models.Update{CallbackQuery: &models.CallbackQuery{
			ID: "cb" + qid, From: user, ChatInstance: "ci" + strconv.FormatInt(p.chat, 10), Data: data,
			Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
				Message: &models.Message{ID: msgID, Chat: chat, Date: now}},
		}}
	case KindLocation:
		return models.Update{Message: &models.Message{ID: p.seq, From: &user, Chat: chat, Date: now,
			Location: &models.Location{Latitude: st.Lat, Longitude: st.Lon}}}
	case KindInline:
		return models.Update{InlineQuery: &models.InlineQuery{ID: "iq" + qid, From: &user, Query: st.Text}}
	default:
		return models.Update{Message: &models.Message{ID: p.seq, From: &user, Chat: chat, Date: now, Text: st.Text}}
	}
}
