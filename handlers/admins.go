package handlers

import (
	"context"
	"sync"
	"time"
)

// AdminChecker is implemented by a Replier whose transport knows who administers
// a group: the Telegram Sender asks getChatMember. In a group, the actions that
// change or reveal the group's stored data (/abo, /abbestellen, /meinedaten,
// /loeschen, the language and their buttons) are for its administrators; a
// Replier without it gets them refused in groups (private chats need no check).
type AdminChecker interface {
	// IsChatAdmin reports whether the user is the creator or an administrator of the chat.
	IsChatAdmin(ctx context.Context, chatID, userID int64) (bool, error)
}

// Admin answers are cached this long, in process: a group's admins rarely
// change, and a demoted admin keeps the rights at most this long.
const (
	adminCacheTTL = 2 * time.Minute
	adminCacheMax = 10000 // entries; beyond, expired ones go, then all
)

// adminCache remembers recent AdminChecker answers (errors are not remembered).
type adminCache struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[adminKey]adminEntry
}

type adminKey struct{ chat, user int64 }

type adminEntry struct {
	admin bool
	until time.Time
}

func newAdminCache(now func() time.Time) *adminCache {
	if now == nil {
		now = time.Now
	}
	return &adminCache{now: now, m: map[adminKey]adminEntry{}}
}

func (c *adminCache) get(chat, user int64) (admin, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[adminKey{chat, user}]
	if !ok || !c.now().Before(e.until) {
		return false, false
	}
	return e.admin, true
}

func (c *adminCache) put(chat, user int64, admin bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.m) >= adminCacheMax {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= adminCacheMax {
			clear(c.m)
		}
	}
	c.m[adminKey{chat, user}] = adminEntry{admin: admin, until: now.Add(adminCacheTTL)}
}

// isAdmin reports whether the turn's user may act on the group's stored data: in
// a private chat always; in a group when sent as the chat (an anonymous admin) or
// when the transport says so (AdminChecker, cached).
func (h *Handler) isAdmin(ctx context.Context, t *turn) (bool, error) {
	if !t.u.Group {
		return true, nil
	}
	if t.u.AsChat {
		return true, nil
	}
	if admin, ok := h.admins.get(t.u.ChatID, t.u.User.ID); ok {
		return admin, nil
	}
	ac, ok := t.r.(AdminChecker)
	if !ok {
		return false, nil
	}
	admin, err := ac.IsChatAdmin(ctx, t.u.ChatID, t.u.User.ID)
	if err != nil {
		return false, err
	}
	h.admins.put(t.u.ChatID, t.u.User.ID, admin)
	return admin, nil
}

// adminOnly lets the turn through when its user may act on the group's stored
// data (see isAdmin). Anybody else gets a short refusal: a notice on the button
// (that acknowledges the press) or a message. ok is false then.
func (h *Handler) adminOnly(ctx context.Context, t *turn) (ok bool, err error) {
	admin, cerr := h.isAdmin(ctx, t)
	if admin {
		return true, nil
	}
	id := "group_admin_only"
	if cerr != nil {
		id = "group_admin_unknown"
		h.cfg.Logger.WarnContext(ctx, "checking a group administrator failed",
			"chat_id", t.u.ChatID, "user_id", t.u.User.ID, "err", cerr)
	}
	if t.u.Callback != nil {
		return false, h.ack(ctx, t, h.text(h.lang(t), id+"_short", nil))
	}
	return false, h.say(ctx, t, id, map[string]any{"Bot": esc(h.botHandle())})
}
