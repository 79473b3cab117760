package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/loa-vn/loa/store"
)

type faqReq struct {
	Key       string   `json:"key,omitempty"`
	Locale    string   `json:"locale,omitempty"`
	Topic     string   `json:"topic"`
	Questions []string `json:"questions"`
	Answer    string   `json:"answer"`
	Source    string   `json:"source"`
	Related   []string `json:"related,omitempty"`
}

type fromGroupReq struct {
	Normalized string `json:"normalized"`
	faqReq
}

// validateFAQ checks an entry with the one rule (store.FAQInput.Problems).
func validateFAQ(in faqReq) []FieldError {
	var fe []FieldError
	for _, p := range toFAQInput(in).Problems() {
		fe = append(fe, FieldError{Path: p.Field, Message: p.Message})
	}
	return fe
}

func toFAQInput(in faqReq) store.FAQInput {
	return store.FAQInput{Key: in.Key, Locale: in.Locale, Topic: in.Topic, Questions: in.Questions,
		Answer: in.Answer, Source: in.Source, Related: in.Related}
}

func (s *Server) listFAQ(w http.ResponseWriter, r *http.Request, _ *call) error {
	q := r.URL.Query()
	list, err := s.d.Store.ListFAQ(ctx(r), store.FAQFilter{Locale: q.Get("locale"), Status: q.Get("status"), Topic: q.Get("topic")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getFAQ(w http.ResponseWriter, r *http.Request, _ *call) error {
	e, err := s.d.Store.FAQByKey(ctx(r), r.PathValue("key"), r.PathValue("locale"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) createFAQ(w http.ResponseWriter, r *http.Request, c *call) error {
	var in faqReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if fe := validateFAQ(in); fe != nil {
		return errInvalid("the FAQ entry is not valid", fe...)
	}
	e, err := s.d.Store.CreateFAQ(ctx(r), c.Actor(), toFAQInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) updateFAQ(w http.ResponseWriter, r *http.Request, c *call) error {
	var in faqReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	key, loc := r.PathValue("key"), r.PathValue("locale")
	if (in.Key != "" && in.Key != key) || (in.Locale != "" && in.Locale != loc) {
		return errInvalid("key and locale identify the entry and cannot change",
			FieldError{Path: "key", Message: "must match the path or be omitted"})
	}
	in.Key, in.Locale = key, loc
	if fe := validateFAQ(in); fe != nil {
		return errInvalid("the FAQ entry is not valid", fe...)
	}
	e, err := s.d.Store.UpdateFAQ(ctx(r), c.Actor(), key, loc, toFAQInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) setFAQStatus(status string) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		e, err := s.d.Store.SetFAQStatus(ctx(r), c.Actor(), r.PathValue("key"), r.PathValue("locale"), status)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}

func (s *Server) unanswered(w http.ResponseWriter, r *http.Request, _ *call) error {
	days, err := queryInt(r, "days", 30)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	since := s.d.Now().Add(-time.Duration(days) * 24 * time.Hour)
	list, err := s.d.Store.UnansweredQuestions(ctx(r), store.UnansweredFilter{Since: since, Locale: r.URL.Query().Get("locale"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// entryFromGroup creates an entry whose questions start with the residents'
// own wordings from the group, then any the editor adds.
func (s *Server) entryFromGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	var in fromGroupReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Normalized) == "" {
		return errInvalid("which group?", FieldError{Path: "normalized", Message: "the group's normalized text from the report"})
	}
	examples, err := s.d.Store.UnansweredExamples(ctx(r), in.Normalized, 20)
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		return errNotFound("no unanswered questions have this normalized text")
	}
	in.Questions = store.MergeQuestions(in.Questions, examples, store.FAQMaxQuestions)
	if fe := validateFAQ(in.faqReq); fe != nil {
		return errInvalid("the FAQ entry is not valid", fe...)
	}
	e, err := s.d.Store.CreateFAQ(ctx(r), c.Actor(), toFAQInput(in.faqReq))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}
