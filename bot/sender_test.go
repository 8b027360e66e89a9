package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
)

const testToken = "123456:SECRETtokenValue_abcdefgh"

func newTestSender(t *testing.T) (*Sender, *fakeapi.Server, *countMetrics) {
	t.Helper()
	api := fakeapi.Start(t)
	b, err := NewAPI(testToken, api.URL(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &countMetrics{}
	return NewSender(b, api.URL(), nil, m), api, m
}

func TestSenderRequests(t *testing.T) {
	s, api, _ := newTestSender(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		send   func() error
		method string
		want   map[string]string
		absent []string
	}{
		{
			name: "text with inline buttons",
			send: func() error {
				return s.Send(ctx, 42, handlers.Message{Text: "<b>Walsrode</b> &amp; mehr", Buttons: [][]handlers.Button{
					{{Text: "Ja", Data: "v1:y"}, {Text: "Nein", Data: "v1:n"}},
					{{Text: "Mehr", URL: "https://www.heidekreis.de/"}},
				}})
			},
			method: "sendMessage",
			want: map[string]string{
				"chat_id": "42", "text": "<b>Walsrode</b> &amp; mehr", "parse_mode": "HTML",
				"link_preview_options": `{"is_disabled":true}`,
				"reply_markup": `{"inline_keyboard":[[{"text":"Ja","callback_data":"v1:y"},{"text":"Nein","callback_data":"v1:n"}],` +
					`[{"text":"Mehr","url":"https://www.heidekreis.de/"}]]}`,
			},
		},
		{
			name: "location button",
			send: func() error {
				return s.Send(ctx, 42, handlers.Message{Text: "Wo?", LocationButton: "📍 Standort senden"})
			},
			method: "sendMessage",
			want: map[string]string{
				"reply_markup": `{"keyboard":[[{"text":"📍 Standort senden","request_location":true}]],"resize_keyboard":true,"one_time_keyboard":true}`,
			},
		},
		{
			name:   "remove keyboard",
			send:   func() error { return s.Send(ctx, 42, handlers.Message{Text: "Danke", RemoveKeyboard: true}) },
			method: "sendMessage",
			want:   map[string]string{"reply_markup": `{"remove_keyboard":true}`},
		},
		{
			name:   "plain text",
			send:   func() error { return s.Send(ctx, 42, handlers.Message{Text: "Hallo"}) },
			method: "sendMessage",
			want:   map[string]string{"text": "Hallo"},
			absent: []string{"reply_markup"},
		},
		{
			name: "contact",
			send: func() error {
				return s.SendContact(ctx, 42, handlers.Contact{Phone: "+495161123", FirstName: "Träger", LastName: "Walsrode",
					VCard: "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD"})
			},
			method: "sendContact",
			want: map[string]string{"chat_id": "42", "phone_number": "+495161123", "first_name": "Träger",
				"last_name": "Walsrode", "vcard": "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD"},
		},
		{
			name:   "callback",
			send:   func() error { return s.AnswerCallback(ctx, "cb1", "Gespeichert") },
			method: "answerCallbackQuery",
			want:   map[string]string{"callback_query_id": "cb1", "text": "Gespeichert"},
		},
		{
			name: "inline",
			send: func() error {
				return s.AnswerInline(ctx, "iq1", []handlers.InlineResult{
					{ID: "c1", Contact: &handlers.Contact{Phone: "+49", FirstName: "T"}},
					{ID: "a1", Title: "Walsrode", Description: "Bezirk", Text: "<b>W</b>"},
				})
			},
			method: "answerInlineQuery",
			want: map[string]string{
				"inline_query_id": "iq1", "cache_time": "300", "is_personal": "true",
				"results": `[{"type":"contact","id":"c1","phone_number":"+49","first_name":"T"},` +
					`{"type":"article","id":"a1","title":"Walsrode","input_message_content":{"message_text":"\u003cb\u003eW\u003c/b\u003e",` +
					`"parse_mode":"HTML","link_preview_options":{"is_disabled":true}},"description":"Bezirk"}]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api.Reset()
			if err := tt.send(); err != nil {
				t.Fatal(err)
			}
			reqs := api.Requests(tt.method)
			if len(reqs) != 1 {
				t.Fatalf("%d %s requests", len(reqs), tt.method)
			}
			for k, v := range tt.want {
				if got := reqs[0].Params[k]; got != v {
					t.Errorf("%s =\n  %s\nwant\n  %s", k, got, v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := reqs[0].Params[k]; ok {
					t.Errorf("%s sent: %s", k, reqs[0].Params[k])
				}
			}
		})
	}
}

func TestSenderErrors(t *testing.T) {
	s, api, m := newTestSender(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		status     int
		retryAfter int
		is         error
		after      time.Duration
	}{
		{"blocked", http.StatusForbidden, 0, handlers.ErrBlocked, 0},
		{"rate limited", http.StatusTooManyRequests, 7, nil, 7 * time.Second},
		{"bad request", http.StatusBadRequest, 0, handlers.ErrBadRequest, 0},
		{"server error", http.StatusInternalServerError, 0, handlers.ErrTemporary, 0},
		{"bad gateway", http.StatusBadGateway, 0, handlers.ErrTemporary, 0},
		{"network", 0, 0, handlers.ErrTemporary, 0},
		{"unauthorized", http.StatusUnauthorized, 0, handlers.ErrTemporary, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api.FailNext("sendMessage", 1, tt.status, tt.retryAfter)
			err := s.Send(ctx, 1, handlers.Message{Text: "x"})
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			var ra *handlers.RetryAfterError
			if got := errors.As(err, &ra); got != (tt.after > 0) || got && ra.After != tt.after {
				t.Errorf("RetryAfterError = %v (%v), want after %v", got, ra, tt.after)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != tt.status {
				t.Errorf("APIError = %+v, want code %d", ae, tt.status)
			}
			if strings.Contains(err.Error(), "SECRETtoken") || strings.Contains(err.Error(), "123456:") {
				t.Errorf("token in error: %v", err)
			}
		})
	}
	for code, want := range map[string]float64{"403": 1, "429": 1, "400": 1, "500": 1, "502": 1, "0": 1, "401": 1} {
		if got := m.count("apierror", code); got != want {
			t.Errorf("api errors{code=%s} = %v, want %v", code, got, want)
		}
	}
	api.FailChat(9, http.StatusForbidden, -1)
	if err := s.SendContact(ctx, 9, handlers.Contact{Phone: "+49", FirstName: "x"}); !errors.Is(err, handlers.ErrBlocked) {
		t.Errorf("contact to blocked chat: %v", err)
	}
	if err := s.Send(ctx, 1, handlers.Message{Text: "a < b"}); !errors.Is(err, handlers.ErrBadRequest) {
		t.Errorf("unescaped text: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Send(cctx, 1, handlers.Message{Text: "x"}); !errors.Is(err, context.Canceled) || !errors.Is(err, handlers.ErrTemporary) {
		t.Errorf("cancelled: %v", err)
	}
}
