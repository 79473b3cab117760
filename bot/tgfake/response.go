package tgfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

type okEnvelope struct {
	OK     bool `json:"ok"`
	Result any  `json:"result"`
}

type errParams struct {
	RetryAfter      int   `json:"retry_after,omitempty"`
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}

type errEnvelope struct {
	OK          bool       `json:"ok"`
	ErrorCode   int        `json:"error_code"`
	Description string     `json:"description"`
	Parameters  *errParams `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: fake cannot encode result"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

func writeOK(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, okEnvelope{OK: true, Result: result})
}

// writeFault answers the way Telegram does: the HTTP status equals
// error_code, and parameters only appear when they carry something.
func writeFault(w http.ResponseWriter, f *Fault) {
	env := errEnvelope{ErrorCode: f.Code, Description: f.Description}
	if f.RetryAfter > 0 || f.MigrateTo != 0 {
		env.Parameters = &errParams{RetryAfter: f.RetryAfter, MigrateToChatID: f.MigrateTo}
	}
	writeJSON(w, f.Code, env)
}

// badRequest builds a 400 with Telegram's "Bad Request: " prefix.
func badRequest(detail string) *Fault {
	return &Fault{Code: http.StatusBadRequest, Description: "Bad Request: " + detail}
}

// readAnswer decodes a Bot API (or sandbox) answer: the result into result
// (nil: ignored), or an error with the code and description.
func readAnswer(r io.Reader, result any) error {
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
	}
	if err := json.NewDecoder(r).Decode(&env); err != nil {
		return err
	}
	if !env.OK {
		return fmt.Errorf("%d %s", env.ErrorCode, env.Description)
	}
	if result == nil {
		return nil
	}
	return json.Unmarshal(env.Result, result)
}
