package bench

import (
	"bytes"
	"net/http"
	"testing"
)

// The sink answers a sendMessage as Telegram's ok and counts its chat id;
// a repeated chat id counts as a duplicate, and a body without one is a 400
// (so a change in how the sender writes bodies fails the run, not the count).
func TestSinkCountsChatIDsAndDuplicates(t *testing.T) {
	s, err := newSink()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	post := func(body string) int {
		t.Helper()
		r, err := http.Post(s.URL()+"/botX/sendMessage", "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	for _, b := range []string{`{"chat_id":1001,"text":"a"}`, `{"chat_id":1002}`, `{"chat_id":1001,"text":"b"}`} {
		if code := post(b); code != http.StatusOK {
			t.Errorf("%s: HTTP %d, want 200", b, code)
		}
	}
	for _, b := range []string{`{"text":"no chat"}`, `{"chat_id":12x,"text":"a"}`, `{"chat_id":`} {
		if code := post(b); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", b, code)
		}
	}
	if n, dups, _ := s.counts(); n != 3 || dups != 1 {
		t.Errorf("counted %d sends, %d duplicates; want 3 and 1", n, dups)
	}
}
