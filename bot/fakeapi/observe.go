package fakeapi

import "strconv"

// OnGetUpdates sets f to be called with the offset of every getUpdates request
// when it arrives, before the server applies the offset (which confirms every
// update below it) and before it answers. At that moment the client has
// confirmed what it confirms, so a test can check in f what the client had
// made safe by then (handled, or stored durably). f runs on the server's
// request goroutine and must not block for long; nil removes it.
func (s *Server) OnGetUpdates(f func(offset int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onGetUpdates = f
}

// observeGetUpdates calls the OnGetUpdates function, if any, with the request's offset.
func (s *Server) observeGetUpdates(params map[string]string) {
	s.mu.Lock()
	f := s.onGetUpdates
	s.mu.Unlock()
	if f == nil {
		return
	}
	offset, _ := strconv.ParseInt(params["offset"], 10, 64)
	f(offset)
}
