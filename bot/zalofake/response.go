package zalofake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

type okEnvelope struct {
	OK     bool `json:"ok"`
	Result any  `json:"result,omitempty"` // sendChatAction answers {"ok":true} alone
}

type errEnvelope struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: fake cannot encode result"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

func writeOK(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, okEnvelope{OK: true, Result: result})
}

// writeFault answers with the fault's code both as HTTP status and as
// error_code, as the platform does.
func writeFault(w http.ResponseWriter, f *Fault) {
	writeJSON(w, f.Code, errEnvelope{ErrorCode: f.Code, Description: f.Description})
}

func badRequest(desc string) *Fault {
	return &Fault{Code: http.StatusBadRequest, Description: "Bad Request: " + desc}
}

// readAnswer decodes an envelope into result, or returns its error.
func readAnswer(r io.Reader, result any) error {
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(&env); err != nil {
		return fmt.Errorf("decoding answer: %w", err)
	}
	if !env.OK {
		return fmt.Errorf("%d %s", env.ErrorCode, env.Description)
	}
	if result == nil || len(env.Result) == 0 {
		return nil
	}
	return json.Unmarshal(env.Result, result)
}
