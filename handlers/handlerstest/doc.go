// Package handlerstest provides test doubles for the conversation's interfaces,
// in the spirit of net/http/httptest:
//
//   - Recorder is a handlers.Replier and handlers.Poster that keeps everything
//     it is asked to send, in order, so a test can assert on the exact output of
//     the conversation or of the broadcast worker;
//   - Log is a log sink safe for concurrent use, with a slog.Logger writing
//     into it, so a test can read what was logged (and that no secret was).
//
// It does not import testing; the package's own tests (package handlers) cannot
// use it, because it imports handlers.
package handlerstest
