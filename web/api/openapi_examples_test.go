package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store"
)

type docOp struct {
	RequestBody struct {
		Content map[string]struct {
			Schema struct {
				Required []string `json:"required"`
			} `json:"schema"`
			Example map[string]any `json:"example"`
		} `json:"content"`
	} `json:"requestBody"`
}

// exampleOps reads every documented operation with a JSON example.
func exampleOps(t *testing.T, e *env) map[string]docOp {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]docOp `json:"paths"`
	}
	e.must(e.call("", "GET", "/api/openapi.json", nil), 200).json(t, &doc)
	out := map[string]docOp{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.RequestBody.Content["application/json"].Example != nil {
				out[strings.ToUpper(method)+" "+path] = op
			}
		}
	}
	return out
}

// exampleWorld is what the examples refer to: a draft (PUT), a submitted
// broadcast (reject), an unanswered group, and the FAQ entry the PUT edits.
func exampleWorld(t *testing.T, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	e.subscribers(3, "phuong-hoan-kiem")
	var draft, sub store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", dtDay("draft")), 201).json(t, &draft)
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", dtDay("submitted")), 201).json(t, &sub)
	e.must(e.call("editor", "POST", "/api/v1/broadcasts/"+itoa(sub.ID)+"/submit", nil), 200)
	if _, err := e.st.LogQuestion(ctx, store.Question{Locale: "vi", Question: "đổi số điện thoại vneid",
		Normalized: "doi so dien thoai vneid", Outcome: store.OutcomeFallback}); err != nil {
		t.Fatal(err)
	}
	faq := map[string]any{"key": "vneid-vi-du", "locale": "vi", "topic": "vneid", "questions": []string{"Ví dụ?"},
		"answer": "Ví dụ.", "source": "https://vneid.gov.vn"}
	e.must(e.call("admin", "POST", "/api/v1/faq", faq), 201)
	return map[string]string{"{id}": itoa(draft.ID), "{code}": "so-a", "{key}": "vneid-vi-du", "{locale}": "vi",
		"reject {id}": itoa(sub.ID)}
}

func concrete(key string, world map[string]string) (method, path string) {
	method, path, _ = strings.Cut(key, " ")
	if strings.HasSuffix(path, "/reject") {
		path = strings.Replace(path, "{id}", world["reject {id}"], 1)
	}
	for k, v := range world {
		path = strings.ReplaceAll(path, k, v)
	}
	return method, path
}

// Issue 9, item 14: every documented example is accepted by its handler, a
// body of only its documented required fields is too, and leaving out any
// documented required field is refused naming it: the document's required
// lists and the handlers agree, from the same struct tags.
func TestOpenAPIExamples(t *testing.T) {
	e := newEnv(t)
	ops := exampleOps(t, e)
	if len(ops) < 10 {
		t.Fatalf("%d operations with an example, want every JSON body", len(ops))
	}
	// the report's example: the handler needs all of these
	entry := ops["POST /api/v1/faq/unanswered/entry"].RequestBody.Content["application/json"].Schema.Required
	for _, f := range []string{"normalized", "key", "locale", "topic", "answer", "source"} {
		if !slices.Contains(entry, f) {
			t.Errorf("POST /faq/unanswered/entry documents required %v, lacks %s", entry, f)
		}
	}
	world := exampleWorld(t, e)
	for key, op := range ops {
		method, path := concrete(key, world)
		media := op.RequestBody.Content["application/json"]
		for _, req := range media.Schema.Required {
			if _, ok := media.Example[req]; !ok {
				t.Errorf("%s: the example lacks the required %s", key, req)
			}
			without := map[string]any{}
			for k, v := range media.Example {
				if k != req {
					without[k] = v
				}
			}
			r := e.call("admin", method, path, without)
			if (r.Status != 400 && r.Status != 422) || !r.apiErr(t).hasField(req) {
				t.Errorf("%s without required %s: %d %s", key, req, r.Status, r.Body)
			}
		}
		if r := e.call("admin", method, path, media.Example); r.Status >= 300 {
			t.Errorf("%s: documented example refused: %d %s", key, r.Status, r.Body)
		}
	}

	// the required fields alone, on a fresh world
	e2 := newEnv(t)
	world2 := exampleWorld(t, e2)
	for key, op := range exampleOps(t, e2) {
		method, path := concrete(key, world2)
		media := op.RequestBody.Content["application/json"]
		min := map[string]any{}
		for _, req := range media.Schema.Required {
			min[req] = media.Example[req]
		}
		if r := e2.call("admin", method, path, min); r.Status == 400 || r.Status == 422 {
			t.Errorf("%s: only the documented required fields %v refused: %d %s", key, media.Schema.Required, r.Status, r.Body)
		}
	}
	_ = http.StatusOK
}
