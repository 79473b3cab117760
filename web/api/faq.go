package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/store"
)

type faqReq struct {
	Key       string   `json:"key,omitempty" required:"POST"`
	Locale    string   `json:"locale,omitempty" required:"POST"`
	Topic     string   `json:"topic" required:"true"`
	Questions []string `json:"questions" required:"true"`
	Answer    string   `json:"answer" required:"true"`
	Source    string   `json:"source" required:"true"`
	Related   []string `json:"related,omitempty"`
}

type fromGroupReq struct {
	Normalized string `json:"normalized" required:"true"`
	// Questions are added to the group's own (optional here: it shadows
	// faqReq's required list).
	Questions []string `json:"questions,omitempty"`
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
	in.faqReq.Questions = store.MergeQuestions(in.Questions, examples, store.FAQMaxQuestions)
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

// staleEntry is one entry of GET /faq/stale.
type staleEntry struct {
	Key    string `json:"key"`
	Locale string `json:"locale"`
	// AsOf is the review date (YYYY-MM-DD), "" when the entry has none.
	AsOf    string `json:"as_of"`
	AgeDays int    `json:"age_days,omitempty"`
}

// defaultStaleDays is the age used when LOA_FAQ_STALE_DAYS is not wired.
const defaultStaleDays = 180

// staleFAQ lists the active entries whose review date is older than
// older_than days (default LOA_FAQ_STALE_DAYS), or missing, oldest first:
// what to recheck before the next Digital Transformation Day.
func (s *Server) staleFAQ(w http.ResponseWriter, r *http.Request, _ *call) error {
	def := s.d.FAQStaleDays
	if def <= 0 {
		def = defaultStaleDays
	}
	days, err := queryInt(r, "older_than", def)
	if err != nil {
		return err
	}
	rows, err := s.d.Store.ListFAQ(ctx(r), store.FAQFilter{Status: store.FAQActive})
	if err != nil {
		return err
	}
	kbs := faqsync.Build(rows, s.d.FAQFiles)
	out := []staleEntry{}
	for _, e := range faq.Stale(kbs, s.d.Now(), time.Duration(days)*24*time.Hour) {
		se := staleEntry{Key: e.ID, Locale: e.Lang}
		if !e.AsOf.IsZero() {
			se.AsOf, se.AgeDays = e.AsOf.Format(faq.AsOfLayout), int(e.Age/(24*time.Hour))
		}
		out = append(out, se)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
