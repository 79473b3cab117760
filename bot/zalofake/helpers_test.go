package zalofake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	RetryAfter  *int            `json:"retry_after"`
	Parameters  json.RawMessage `json:"parameters"`
}

// call POSTs a JSON body to /bot<token>/<method> and decodes the envelope.
func call(t *testing.T, s *Server, method string, body map[string]any) (int, answer) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) (int, answer) {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("not a JSON envelope: %q", raw)
	}
	if a.OK == (a.ErrorCode != 0) {
		t.Fatalf("envelope mixes ok and error_code: %s", raw)
	}
	if !a.OK && a.ErrorCode != resp.StatusCode {
		t.Fatalf("error_code %d, HTTP %d", a.ErrorCode, resp.StatusCode)
	}
	return resp.StatusCode, a
}

var lan = User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Lan"}
