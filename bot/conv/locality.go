package conv

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// maxLocalityPlaces and maxLocalityOffers bound a locality reply: a name
// shared by a few old wards is listed in full, a district's dozen new units
// get a subscribe button each only up to the cap.
const (
	maxLocalityPlaces = 3
	maxLocalityOffers = 6
)

// LocalityAnswer is the reply to an old unit → new ward question, built
// from the engine's seed data alone (no database): the text, and the new
// units to offer a subscription to, main ones first, with the former name
// each was reached by.
type LocalityAnswer struct {
	Text  string
	Units []faq.Unit
	// Former maps a unit code to the former place the resident named and
	// how (store.ViaFormerUnit or store.ViaFormerDistrict).
	Former map[string]Former
}

// AnswerLocality renders q in lang; escape is true for Loa's markup (the
// chat channels) and false for plain text (the CLI). ok is false when q
// names no place the data knows: the caller asks or searches instead.
func AnswerLocality(cat *l10n.Catalog, lang string, q *faq.LocalityQuery, escape bool) (a LocalityAnswer, ok bool) {
	tr := cat.Plain
	if escape {
		tr = cat.T
	}
	places := localityPlaces(q)
	if len(places) == 0 {
		return a, false
	}
	a.Former = map[string]Former{}
	var lines []string
	var clauses []int
	cite := func(u faq.Unit) {
		if u.Clause > 0 && !slices.Contains(clauses, u.Clause) {
			clauses = append(clauses, u.Clause)
		}
	}
	offer := func(u faq.Unit, p faq.Place) {
		cite(u)
		for _, x := range a.Units {
			if x.Code == u.Code {
				return
			}
		}
		a.Units = append(a.Units, u)
		switch p.Kind {
		case "former-unit":
			a.Former[u.Code] = Former{Name: p.Name, Via: store.ViaFormerUnit}
		case "former-district":
			a.Former[u.Code] = Former{Name: p.Name, Via: store.ViaFormerDistrict}
		}
	}
	for _, p := range places {
		switch p.Kind {
		case "former-unit":
			if len(p.Now) == 1 {
				lines = append(lines, tr(lang, "locality_former_one", "Former", p.Name, "District", p.District, "Unit", p.Now[0].Name))
			} else {
				var names []string
				for _, u := range p.Now {
					n := u.Name
					if !u.Whole() {
						n += " (" + cat.Plain(lang, "locality_part") + ")"
					}
					names = append(names, n)
				}
				lines = append(lines, tr(lang, "locality_former_many", "Former", p.Name, "District", p.District, "Units", strings.Join(names, ", ")))
			}
			for _, u := range p.Now {
				offer(u, p)
			}
		case "former-district":
			var main, others []string
			for _, u := range p.Now {
				if u.Main {
					main = append(main, u.Name)
					offer(u, p)
				} else {
					others = append(others, u.Name)
					cite(u)
				}
			}
			if len(main) == 0 { // no main unit recorded: all are parts
				main, others = others, nil
				for _, u := range p.Now {
					offer(u, p)
				}
			}
			line := tr(lang, "locality_district", "Former", p.Name, "Units", strings.Join(main, ", "))
			if len(others) > 0 {
				line += " " + tr(lang, "locality_district_others", "Units", strings.Join(others, ", "))
			}
			lines = append(lines, line)
		default:
			lines = append(lines, tr(lang, "locality_current", "Unit", p.Name))
			for _, u := range p.Now {
				offer(u, p)
			}
		}
	}
	slices.Sort(clauses)
	cs := make([]string, len(clauses))
	for i, c := range clauses {
		cs[i] = strconv.Itoa(c)
	}
	text := strings.Join(lines, "\n")
	if len(cs) > 0 {
		text += "\n\n" + tr(lang, "locality_source", "Clauses", strings.Join(cs, ", "))
	}
	a.Text = text
	return a, true
}

// localityPlaces picks the places to answer about: the former units and
// districts the question named (a "what did district X become" question
// keeps the district), else the current units of that name.
func localityPlaces(q *faq.LocalityQuery) []faq.Place {
	if q == nil {
		return nil
	}
	var former, current, districts []faq.Place
	for _, p := range q.Places {
		switch {
		case len(p.Now) == 0:
		case p.Kind == "former-district":
			districts = append(districts, p)
			former = append(former, p)
		case p.Kind == "former-unit":
			former = append(former, p)
		default:
			current = append(current, p)
		}
	}
	out := former
	if q.Split && len(districts) > 0 {
		out = districts
	}
	if len(out) == 0 {
		out = current
	}
	return out[:min(len(out), maxLocalityPlaces)]
}

// answerLocality answers an old unit → new ward question from the data
// the engine ships and offers to subscribe to the new units. A question
// that names no known place asks for the place (or searches what the
// resident typed), as the subscription does.
func (t *turn) answerLocality(ctx context.Context, q *faq.LocalityQuery) {
	a, ok := AnswerLocality(t.Text, t.lang, q, true)
	if !ok {
		if q != nil && q.Text != "" {
			t.searchLocality(ctx, q.Text, q.Shown)
			return
		}
		if err := t.setState(ctx, State{Step: StepLocality}); err != nil {
			t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
		}
		t.say(ctx, "locality_ask")
		return
	}
	st := State{Former: map[int64]Former{}}
	var rows [][]Choice
	for _, u := range a.Units {
		if len(rows) == maxLocalityOffers {
			break
		}
		l, err := t.Store.LocalityByCode(ctx, u.Code)
		if errors.Is(err, store.ErrNotFound) {
			continue // the database was seeded from other data: offer what it has
		}
		if err != nil {
			t.Log.Warn("locality offer", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
			break
		}
		if f, ok := a.Former[u.Code]; ok {
			st.Former[l.ID] = f
		}
		rows = append(rows, []Choice{button(t.Text.Plain(t.lang, "subscribe_button", "Locality", l.NameVi), locData(l.ID))})
	}
	text := a.Text
	if len(rows) > 0 {
		text += "\n\n" + t.t("locality_offer")
		// remembered only so the confirmation can say "since 1/7/2025 X
		// belongs to Y"; no step is pending
		if err := t.setState(ctx, st); err != nil {
			t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
		}
	}
	t.send(ctx, text, rows...)
}
