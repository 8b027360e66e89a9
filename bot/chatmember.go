package bot

import (
	"context"
	"errors"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

var (
	_ handlers.AdminChecker = (*Sender)(nil)
	_ handlers.AdminChecker = (*recorder)(nil)
)

// IsChatAdmin asks getChatMember whether the user is the chat's creator or one
// of its administrators. Errors are *APIError as for every Sender call.
func (s *Sender) IsChatAdmin(ctx context.Context, chatID, userID int64) (bool, error) {
	cm, err := s.api.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: chatID, UserID: userID})
	if err != nil {
		return false, s.fail(ctx, "getChatMember", err)
	}
	return cm.Type == models.ChatMemberTypeOwner || cm.Type == models.ChatMemberTypeAdministrator, nil
}

// errNoAdminCheck: the Replier cannot check chat administrators.
var errNoAdminCheck = errors.New("bot: the replier cannot check chat administrators")

// IsChatAdmin lets the conversation ask whether a user administers a group
// while it handles an update: a question for the Bot API (getChatMember),
// asked at once, not a reply that waits in the outbox.
func (r *recorder) IsChatAdmin(ctx context.Context, chatID, userID int64) (bool, error) {
	if r.admins == nil {
		return false, errNoAdminCheck
	}
	return r.admins.IsChatAdmin(ctx, chatID, userID)
}
