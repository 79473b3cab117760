package faq

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const goodVI = `lang: vi
topics: [{id: t, title: "Chủ đề"}]
entries:
  - {id: a, topic: t, questions: ["câu a"], answer: "trả lời a", source: "QĐ 1", as_of: 2026-12-01, related: [b]}
  - {id: b, topic: t, questions: ["câu b"], answer: "trả lời b", source: "QĐ 2", as_of: 2026-12-01}
`

const goodEN = `lang: en
topics: [{id: t, title: "Topic"}]
entries:
  - {id: a, topic: t, questions: ["question a"], answer: "answer a", source: "Decision 1", as_of: 2026-12-01}
  - {id: b, topic: t, questions: ["question b"], answer: "answer b", source: "Decision 2", as_of: 2026-12-01}
`

func mapFS(vi, en string) fstest.MapFS {
	return fstest.MapFS{
		"faq/vi.yaml": {Data: []byte(vi)},
		"faq/en.yaml": {Data: []byte(en)},
	}
}

func TestLoadFSGood(t *testing.T) {
	kbs, err := LoadFS(mapFS(goodVI, goodEN))
	if err != nil {
		t.Fatal(err)
	}
	if len(kbs["vi"].Entries) != 2 || kbs["en"].Lang != "en" {
		t.Errorf("unexpected KB: %+v", kbs)
	}
}

func TestLoadFSErrors(t *testing.T) {
	dup := strings.Replace(goodVI, "id: b,", "id: a,", 1)
	noAnswer := strings.Replace(goodVI, `answer: "trả lời b"`, `answer: ""`, 1)
	noSource := strings.Replace(goodVI, `source: "QĐ 2"`, `source: " "`, 1)
	badRelated := strings.Replace(goodVI, "related: [b]", "related: [zz]", 1)
	extraEN := goodEN + `  - {id: c, topic: t, questions: ["q"], answer: "x", source: "y"}` + "\n"
	badTopic := strings.Replace(goodVI, "topic: t, questions: [\"câu b\"]", "topic: nope, questions: [\"câu b\"]", 1)
	cases := []struct {
		name, vi, en, want string
	}{
		{"duplicate id", dup, goodEN, `duplicate id "a"`},
		{"missing answer", noAnswer, goodEN, "missing answer"},
		{"missing source", noSource, goodEN, "missing source"},
		{"unknown related", badRelated, goodEN, `unknown related id "zz"`},
		{"id only in one language", goodVI, extraEN, "only in second [c]"},
		{"unknown topic", badTopic, goodEN, `unknown topic "nope"`},
		{"bad yaml", "entries: [", goodEN, "parse faq/vi.yaml"},
		{"wrong lang", goodEN, goodEN, `lang "en", want "vi"`},
	}
	for _, c := range cases {
		_, err := LoadFS(mapFS(c.vi, c.en))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if _, err := LoadFS(fstest.MapFS{}); err == nil {
		t.Error("missing files: no error")
	}
	_, err := LoadFS(mapFS(dup, goodEN))
	if !errors.Is(err, ErrInvalidKB) {
		t.Errorf("validation error %v does not wrap ErrInvalidKB", err)
	}
}

func TestRealKB(t *testing.T) {
	_, kbs := testEngine(t)
	topics := map[string]bool{}
	for _, e := range kbs["vi"].Entries {
		topics[e.Topic] = true
	}
	for _, kb := range kbs {
		if len(kb.Entries) < 80 {
			t.Errorf("%s: %d entries, want ≥ 80", kb.Lang, len(kb.Entries))
		}
		for _, e := range kb.Entries {
			if n := len(e.Questions); n < 3 || n > 6 {
				t.Errorf("%s/%s: %d questions, want 3–6", kb.Lang, e.ID, n)
			}
			if n := len([]rune(e.Answer)); n > 600 {
				t.Errorf("%s/%s: answer of %d characters, want ≤ 600", kb.Lang, e.ID, n)
			}
		}
	}
	for _, tp := range kbs["vi"].Topics {
		if !topics[tp.ID] {
			t.Errorf("topic %s has no entry", tp.ID)
		}
	}
}
