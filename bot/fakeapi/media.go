package fakeapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxCaption is Telegram's caption limit (UTF-16 code units after entity parsing).
const MaxCaption = 1024

// existsLocked reports whether message id was sent into chat and not deleted.
func (s *Server) existsLocked(chat int64, id int) bool {
	return id > 0 && id <= s.msgIDs[chat] && !s.deleted[chat][id]
}

// checkCaption validates an optional caption like checkText, with the caption limit.
func checkCaption(caption, parseMode string) (string, error) {
	if caption == "" {
		return "", nil
	}
	plain := caption
	if strings.EqualFold(parseMode, "html") {
		var err error
		if plain, err = CheckHTML(caption); err != nil {
			return "", fmt.Errorf("can't parse entities: %w", err)
		}
	}
	if UTF16Len(plain) > MaxCaption {
		return "", fmt.Errorf("message caption is too long")
	}
	return plain, nil
}

// fileLocked answers the file a request names: an upload ("file:<name>", given a
// new file_id) or an existing file_id.
func (s *Server) fileLocked(req *Request, field string) (fileID, name string, err error) {
	v := req.Params[field]
	switch {
	case v == "":
		return "", "", fmt.Errorf("there is no %s in the request", field)
	case strings.HasPrefix(v, "file:"):
		s.fileSeq++
		return "fake-file-" + strconv.Itoa(s.fileSeq), strings.TrimPrefix(v, "file:"), nil
	case strings.HasPrefix(v, "attach://"):
		name := strings.TrimPrefix(v, "attach://")
		if _, ok := req.Files[name]; !ok {
			return "", "", fmt.Errorf("wrong file identifier/HTTP URL specified")
		}
		s.fileSeq++
		return "fake-file-" + strconv.Itoa(s.fileSeq), name, nil
	}
	return v, "", nil
}

func (s *Server) sendMediaLocked(req *Request) result {
	p := req.Params
	if p["chat_id"] == "" {
		return badRequest("chat_id is empty")
	}
	field := "photo"
	if req.Method == "sendDocument" {
		field = "document"
	}
	id, name, err := s.fileLocked(req, field)
	if err != nil {
		return badRequest(err.Error())
	}
	caption, err := checkCaption(p["caption"], p["parse_mode"])
	if err != nil {
		return badRequest(err.Error())
	}
	if m := p["reply_markup"]; m != "" {
		if err := checkMarkup(m); err != nil {
			return badRequest(err.Error())
		}
	}
	extra := map[string]any{}
	if caption != "" {
		extra["caption"] = caption
	}
	if field == "photo" {
		extra["photo"] = []map[string]any{{"file_id": id, "file_unique_id": "u" + id, "width": 1280, "height": 905}}
	} else {
		doc := map[string]any{"file_id": id, "file_unique_id": "u" + id}
		if name != "" {
			doc["file_name"] = name
		}
		extra["document"] = doc
	}
	return ok(s.messageLocked(req.ChatID, req.Token, extra))
}

func (s *Server) sendVenueLocked(req *Request) result {
	p := req.Params
	switch {
	case p["chat_id"] == "":
		return badRequest("chat_id is empty")
	case p["latitude"] == "" || p["longitude"] == "":
		return badRequest("latitude or longitude is missing")
	case p["title"] == "":
		return badRequest("venue title is empty")
	case p["address"] == "":
		return badRequest("venue address is empty")
	}
	lat, lon := num(p["latitude"]), num(p["longitude"])
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return badRequest("wrong latitude or longitude")
	}
	loc := map[string]any{"latitude": lat, "longitude": lon}
	return ok(s.messageLocked(req.ChatID, req.Token, map[string]any{
		"location": loc, "venue": map[string]any{"location": loc, "title": p["title"], "address": p["address"]},
	}))
}

func (s *Server) editMediaLocked(req *Request) result {
	p := req.Params
	id, _ := strconv.Atoi(p["message_id"])
	if p["chat_id"] == "" || id == 0 {
		return badRequest("message identifier is not specified")
	}
	if !s.existsLocked(req.ChatID, id) {
		return badRequest("message to edit not found")
	}
	if m := p["reply_markup"]; m != "" {
		if err := checkMarkup(m); err != nil {
			return badRequest(err.Error())
		}
	}
	msg := map[string]any{"message_id": id, "chat": map[string]any{"id": req.ChatID, "type": "private"},
		"date": time.Now().Unix(), "edit_date": time.Now().Unix()}
	if req.Method == "editMessageCaption" {
		caption, err := checkCaption(p["caption"], p["parse_mode"])
		if err != nil {
			return badRequest(err.Error())
		}
		msg["caption"] = caption
		return ok(msg)
	}
	var media struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(p["media"]), &media); err != nil {
		return badRequest("can't parse InputMedia JSON object")
	}
	if media.Type != "document" && media.Type != "photo" {
		return badRequest("unsupported media type " + media.Type)
	}
	if _, err := checkCaption(media.Caption, media.ParseMode); err != nil {
		return badRequest(err.Error())
	}
	req.Params["media_file"] = media.Media
	fid, name, err := s.fileLocked(req, "media_file")
	delete(req.Params, "media_file")
	if err != nil {
		return badRequest(err.Error())
	}
	msg["document"] = map[string]any{"file_id": fid, "file_unique_id": "u" + fid, "file_name": name}
	return ok(msg)
}

func (s *Server) deleteLocked(req *Request) result {
	id, _ := strconv.Atoi(req.Params["message_id"])
	if req.Params["chat_id"] == "" || id == 0 {
		return badRequest("message identifier is not specified")
	}
	if !s.existsLocked(req.ChatID, id) {
		return badRequest("message to delete not found")
	}
	if s.deleted[req.ChatID] == nil {
		s.deleted[req.ChatID] = map[int]bool{}
	}
	s.deleted[req.ChatID][id] = true
	return ok(true)
}
