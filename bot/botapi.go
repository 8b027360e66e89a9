package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/heidekreis/sozialraumbot/config/defaults"
)

// jsonAPI calls Bot API methods with a JSON body, as the Bot API accepts for
// every method without a file upload. go-telegram/bot sends every call as a
// multipart form streamed through a pipe and a goroutine; for the four calls
// of every reply (sendMessage, sendContact, answerCallbackQuery,
// answerInlineQuery) one JSON body with a Content-Length is one write and
// cheaper for both ends.
type jsonAPI struct {
	base   string // <api url>/bot<token>/
	token  string
	client *http.Client
}

func newJSONAPI(apiURL, token string, client *http.Client) *jsonAPI {
	if apiURL == "" {
		apiURL = defaults.APIURL
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &jsonAPI{base: strings.TrimRight(apiURL, "/") + "/bot" + token + "/", token: token, client: client}
}

// apiAnswer is the Bot API's answer envelope.
type apiAnswer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// maxAnswer bounds the answer read (a sent message comes back; nothing is large).
const maxAnswer = 1 << 20

// call posts params as JSON to method. A failure is an *APIError as classify
// makes them (the token never in its text).
func (a *jsonAPI) call(ctx context.Context, method string, params any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return apiError(ctx, method, 0, "encoding the request: "+err.Error(), 0)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+method, bytes.NewReader(body))
	if err != nil {
		return apiError(ctx, method, 0, redact(err.Error(), a.token), 0)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return apiError(ctx, method, 0, redact(err.Error(), a.token), 0)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return apiError(ctx, method, 0, "reading the answer: "+redact(err.Error(), a.token), 0)
	}
	var ans apiAnswer
	if err := json.Unmarshal(data, &ans); err != nil {
		// Not the Bot API answering (a proxy's error page): temporary unless 4xx.
		code := resp.StatusCode
		if code < 400 {
			code = 0
		}
		return apiError(ctx, method, code, fmt.Sprintf("HTTP %d with an unreadable answer", resp.StatusCode), 0)
	}
	if ans.OK {
		return nil
	}
	code := ans.ErrorCode
	if code == 0 {
		code = resp.StatusCode
	}
	return apiError(ctx, method, code, redact(ans.Description, a.token), ans.Parameters.RetryAfter)
}
