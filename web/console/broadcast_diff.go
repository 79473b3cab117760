package console

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// What changed since a broadcast was submitted, for its approver: the
// audit log keeps the broadcast as each submission left it (the "after" of
// its broadcast.submit rows). The page compares the broadcast now with the
// last submission, or, when nothing changed since (it is waiting again),
// with the submission before: what the author changed after being sent back.

type diffView struct {
	Since    time.Time
	Previous bool // compared with the submission before the last
	Texts    []textDiff
	Audience []listDiff
	Schedule []string // before, after; nil if the same
	Name     []string
}

type textDiff struct {
	Lang, Field string
	Ops         []diffOp
}

type diffOp struct {
	Kind string // "same", "add", "del"
	Text string
}

type listDiff struct {
	Label          string // message id
	Added, Removed []string
}

func (d *diffView) empty() bool {
	return len(d.Texts) == 0 && len(d.Audience) == 0 && d.Schedule == nil && d.Name == nil
}

// diffSinceSubmit returns the diff, or nil with first true when the
// broadcast was submitted once and has not changed since.
func (c *Console) diffSinceSubmit(r *http.Request, p *page, b store.BroadcastDraft) (*diffView, bool, error) {
	rows, err := c.d.Store.BroadcastAudit(r.Context(), b.ID, "broadcast.submit", 2)
	if err != nil || len(rows) == 0 {
		return nil, false, err
	}
	for i, row := range rows {
		var then store.BroadcastDraft
		if err := json.Unmarshal(row.After, &then); err != nil {
			return nil, false, err
		}
		d, err := diffBroadcasts(p, then, b)
		if err != nil {
			return nil, false, err
		}
		if !d.empty() {
			d.Since, d.Previous = row.At, i > 0
			return d, false, nil
		}
	}
	return nil, len(rows) == 1, nil
}

func diffBroadcasts(p *page, a, b store.BroadcastDraft) (*diffView, error) {
	d := &diffView{}
	if a.Name != b.Name {
		d.Name = []string{a.Name, b.Name}
	}
	var ca, cb messages.Content
	var aa, ab messages.Audience
	for _, u := range []struct {
		raw json.RawMessage
		v   any
	}{{a.Content, &ca}, {b.Content, &cb}, {a.Audience, &aa}, {b.Audience, &ab}} {
		if len(u.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(u.raw, u.v); err != nil {
			return nil, err
		}
	}
	for _, lang := range messages.Locales() {
		va, vb := ca.Variants[lang], cb.Variants[lang]
		for _, f := range []struct{ name, x, y string }{
			{"text", va.Text, vb.Text}, {"photo_url", va.PhotoURL, vb.PhotoURL},
			{"button_text", va.ButtonText, vb.ButtonText}, {"button_url", va.ButtonURL, vb.ButtonURL},
		} {
			if f.x != f.y {
				d.Texts = append(d.Texts, textDiff{Lang: lang, Field: f.name, Ops: wordDiff(f.x, f.y)})
			}
		}
	}
	for _, l := range []struct {
		label string
		x, y  []string
	}{
		{"bc_aud_localities", aa.Localities, ab.Localities}, {"bc_aud_former", aa.FormerDistricts, ab.FormerDistricts},
		{"bc_aud_agencies", aa.Agencies, ab.Agencies}, {"bc_aud_languages", aa.Languages, ab.Languages},
		{"bc_aud_channels", aa.Channels, ab.Channels},
	} {
		ld := listDiff{Label: l.label}
		for _, v := range l.y {
			if !slices.Contains(l.x, v) {
				ld.Added = append(ld.Added, v)
			}
		}
		for _, v := range l.x {
			if !slices.Contains(l.y, v) {
				ld.Removed = append(ld.Removed, v)
			}
		}
		if ld.Added != nil || ld.Removed != nil {
			d.Audience = append(d.Audience, ld)
		}
	}
	if sa, sb := describeSchedule(p, a.Schedule()), describeSchedule(p, b.Schedule()); sa != sb {
		d.Schedule = []string{sa, sb}
	}
	return d, nil
}

var wordRe = regexp.MustCompile(`\s+|[^\s]+`)

// maxDiffCells bounds the word diff's table (a 4096-character text is about
// 1,500 words and spaces: 2.25 million cells).
const maxDiffCells = 4_000_000

// wordDiff is a word-by-word diff (longest common subsequence), with runs
// of one kind merged.
func wordDiff(a, b string) []diffOp {
	x, y := wordRe.FindAllString(a, -1), wordRe.FindAllString(b, -1)
	if len(x)*len(y) > maxDiffCells {
		return merge([]diffOp{{"del", a}, {"add", b}})
	}
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			ops = append(ops, diffOp{"same", x[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, diffOp{"del", x[i]})
			i++
		default:
			ops = append(ops, diffOp{"add", y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{"del", x[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{"add", y[j]})
	}
	return merge(ops)
}

func merge(ops []diffOp) []diffOp {
	var out []diffOp
	for _, o := range ops {
		if o.Text == "" {
			continue
		}
		if k := len(out) - 1; k >= 0 && out[k].Kind == o.Kind {
			out[k].Text += o.Text
			continue
		}
		out = append(out, o)
	}
	return out
}
