package fakeapi

import (
	"net/http"
	"strconv"
)

// Chat member statuses getChatMember answers.
const (
	StatusCreator       = "creator"
	StatusAdministrator = "administrator"
	StatusMember        = "member"
	StatusLeft          = "left"
)

type memberKey struct{ chat, user int64 }

// SetChatMember sets what getChatMember answers for a user of a chat: one of
// StatusCreator, StatusAdministrator, StatusMember, StatusLeft. Users not set are
// members.
func (s *Server) SetChatMember(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members == nil {
		s.members = map[memberKey]string{}
	}
	s.members[memberKey{chatID, userID}] = status
}

// getChatMemberLocked answers getChatMember like Telegram: a ChatMember object
// whose status is what SetChatMember set (default "member").
func (s *Server) getChatMemberLocked(req *Request) result {
	p := req.Params
	if p["chat_id"] == "" {
		return badRequest("chat_id is empty")
	}
	user, err := strconv.ParseInt(p["user_id"], 10, 64)
	if err != nil || user <= 0 {
		return badRequest("PARTICIPANT_ID_INVALID")
	}
	status, ok := s.members[memberKey{req.ChatID, user}]
	if !ok {
		status = StatusMember
	}
	m := map[string]any{
		"status": status,
		"user":   map[string]any{"id": user, "is_bot": false, "first_name": "Test"},
	}
	switch status {
	case StatusCreator:
		m["is_anonymous"] = false
	case StatusAdministrator:
		m["can_be_edited"], m["is_anonymous"], m["can_manage_chat"] = false, false, true
	}
	return result{status: http.StatusOK, result: mustJSON(m)}
}
