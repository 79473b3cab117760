package faq

import (
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// benchRounds is how many times every eval question is answered per KB when
// measuring latency, so percentiles rest on tens of thousands of calls.
const benchRounds = 200

// SyntheticSize is the KB size at which the latency target (p99 < 1 ms) is set.
const SyntheticSize = 1000

// BenchRow is one line of the benchmark table.
type BenchRow struct {
	Name     string
	Entries  int // per language
	Report   EvalReport
	P50, P99 time.Duration
	Mean     time.Duration
}

// DevFiles are the development sets: they tuned the engine, and their
// in-scope cases are the examples it learns its ranking from (KB.Examples).
var DevFiles = []string{EvalFile, "faq/dev.yaml", "faq/dev2.yaml", "faq/dev3.yaml", "faq/dev4.yaml", "faq/dev5.yaml", "faq/dev6.yaml", "faq/dev7.yaml", "faq/dev8.yaml", "faq/dev9.yaml", "faq/dev10.yaml", "faq/dev11.yaml", "faq/dev12.yaml", "faq/dev13.yaml", "faq/dev14.yaml", "faq/dev15.yaml", "faq/dev16.yaml", "faq/dev17.yaml", "faq/dev18.yaml", "faq/dev19.yaml", "faq/dev20.yaml", "faq/dev21.yaml", "faq/dev22.yaml", "faq/dev23.yaml", "faq/dev24.yaml", "faq/dev25.yaml", "faq/dev26.yaml", "faq/dev27.yaml", "faq/dev28.yaml", "faq/dev29.yaml", "faq/dev30.yaml", "faq/dev31.yaml", "faq/dev32.yaml", "faq/dev33.yaml", "faq/dev34.yaml", "faq/dev35.yaml", "faq/dev36.yaml", "faq/dev37.yaml", "faq/dev38.yaml", "faq/dev39.yaml", "faq/dev40.yaml", "faq/dev41.yaml", "faq/dev42.yaml", "faq/dev43.yaml", "faq/dev44.yaml", "faq/dev45.yaml", "faq/dev46.yaml", "faq/dev47.yaml"}

// HeldOutFile is the first held-out set. Nobody tuned against it, but its
// aggregate scores were read ten times while the engine changed, so it is
// no longer a clean measure on its own.
const HeldOutFile = "faq/heldout.yaml"

// HeldOut2File is the second held-out set, written blind in session 3
// before its author saw any entry, eval set or engine code; nobody has
// tuned against it, but the lead read its aggregates three times while
// the engine changed in session 3, once in session 4, twice in session 5
// (before and after its round) and after each of session 6's two rounds.
const HeldOut2File = "faq/heldout2.yaml"

// HeldOut3File is the third held-out set, written blind in session 4 (the
// same way as the second) before that session's engine changes; read once
// then, before and after session 5's round, and after each of session 6's two.
const HeldOut3File = "faq/heldout3.yaml"

// HeldOut4File is the fourth held-out set, written blind in session 5 (the
// same way) while that session's engine changes were being made elsewhere;
// its aggregates were read before and after that round and after each of
// session 6's two, never its cases.
const HeldOut4File = "faq/heldout4.yaml"

// HeldOut5File is the fifth held-out set, written blind in session 6 (the
// same way) before that session's engine round was merged; its aggregates
// were read before that round and after each of its two rounds, never its
// cases.
const HeldOut5File = "faq/heldout5.yaml"

// HeldOut6File is the sixth held-out set, written blind in session 7 (the
// same way) while that session's engine round was made elsewhere; its
// aggregates were read before that round was merged and after, never its
// cases.
const HeldOut6File = "faq/heldout6.yaml"

// HeldOut7File is the seventh held-out set, written blind in session 8 (the
// same way) before that session's engine round was merged; its aggregates
// are read before that round is merged and after, never its cases.
const HeldOut7File = "faq/heldout7.yaml"

// HeldOut8File is the eighth held-out set, written blind in session 9 (the
// same way) at an engine no later than d47eae1; its first aggregates were
// read at that engine, before any further engine round.
const HeldOut8File = "faq/heldout8.yaml"

// HeldOut9File is the ninth held-out set, written blind in session 10 (the
// same way) while that session's engine round (faq-round10) was made
// elsewhere; its aggregates were read once at the engine before that round
// (6b2541f: 88.8% in-scope) and once after it was merged (89.4%).
const HeldOut9File = "faq/heldout9.yaml"

// HeldOut10File is the tenth held-out set, written blind in session 11 by a
// helper that read only the shared facts, design and data (18:42-18:46 UTC,
// labels from entry ids and first questions afterwards), before that
// session's engine change (requests in words, selfservice.go). It is the
// first with "command" cases. Its aggregates were read four times: with
// that change switched off (in-scope 81.6%, commands 0/21), then with it
// on (81.6%, commands 20/21); the same reading showed the locality rows of
// held-out 2-4 one case down each, so the place questions were put before
// the requests (engine.go) and every set was read twice more (held-out 10
// unchanged, the locality rows back). A fifth reading followed the round
// tuned on dev18 (scam stories, everyday words that name a unit): held-out
// 10 unchanged at 81.6%; held-out 2, 3, 7 and 8 one in-scope case up each,
// and the locality rows of 5-8 one case up each. A sixth followed the
// review's mends (narrower request phrases, the scam rule falling back to
// every candidate): held-out 10 unchanged, held-out 2 back to 90.0%. A
// seventh, after English questions quoting Vietnamese terms were retried
// in English: held-out 10 unchanged, held-out 8 one English case up.
const HeldOut10File = "faq/heldout10.yaml"

// HeldOut11File is the eleventh held-out set, written blind in session 12
// (2026-12-06, 22:32-22:37 UTC) the same way, before that session's round;
// never its cases, only its aggregates were read: at the engine before
// the round (in-scope 87.0%, OOS 94.4%, gap 8/16), after it (a wider
// clear lead for English: in-scope unchanged, gap 7/16, and held-out 9's
// gap one down, held-out 2's English one up), once more by mistake at the
// same engine, after that English change was reverted (all back), and at
// the end of the session, for the new column of what misses got, and
// once more for how often a wrong answer offers the right entry.
const HeldOut11File = "faq/heldout11.yaml"

// HeldOut12File is the twelfth held-out set, written blind in session 13
// (2026-12-07, questions 15:21-15:24 UTC, labels to 15:25) the same way,
// before the learned ranking (clf.go) was measured on anything; only its
// aggregates were read: at the engine before that change (in-scope 85.0%,
// English 79.2%, OOS 100%, commands 13/21), after it (90.2%), and after
// the examples that repeat a held-out question were left out (89.6%),
// and after dev20-22 joined the examples, the request phrases widened and
// a sure classifier lifted the confidence (91.9%, English 85.4%, commands
// 17/21 with "what can you do" counted as help or about), and after
// dev23-26 and the dev26 decline phrases (91.3%, English 83.3%). Session
// 14 read it in three full benches: at that engine again (91.3%), after
// its first round (93.1%) and at its end (94.2%, English 89.6%).
const HeldOut12File = "faq/heldout12.yaml"

// HeldOut13File is the thirteenth held-out set, written blind in session
// 14 (2026-12-07, 22:45-22:48 UTC) the same way, before that session's
// changes; only its aggregates were read: at the engine before them
// (in-scope 87.7%, unaccented 82.8%, OOS 95.6%, gap 3/21), after dev27-32
// joined the examples (88.3%), after the dropped-term copies and the
// first rules (89.4%), after the scam-story answer (unchanged), in the
// full bench, after the sure-classifier lift (unchanged), after dev33-38
// (89.9%), after their rules, after dev39-44 (90.5%), after the last
// rules (unchanged), and in two closing benches; in session 15 in its
// bench after the class of questions no entry answers (91.1%), with and
// without noneLeadAt (90.5% with it), and in the closing bench.
const HeldOut13File = "faq/heldout13.yaml"

// HeldOut14File is the fourteenth held-out set, written blind in session
// 14 (2026-12-07, 23:26-23:29 UTC) the same way, after that session's
// first round and before its second (dev33-44 as examples); only its
// aggregates were read: before that round (in-scope 89.8%, English 85.2%,
// OOS 95.6%, commands 21/25), after dev33-38 (unchanged), after their
// rules (unchanged), after dev39-44 (89.3%), after the last rules (89.3%,
// commands 22/25), and in two closing benches; in session 15 in its
// bench after the class of questions no entry answers (89.8%), with and
// without noneLeadAt (89.3% with it), and in the closing bench.
const HeldOut14File = "faq/heldout14.yaml"

// HeldOut15File and HeldOut16File are the fifteenth and sixteenth held-out
// sets, written blind in session 15 (2026-12-08, 01:26-01:35 UTC) by two
// helpers the same way, before that session's changes; only their
// aggregates were read: at the engine before them (in-scope 87.1% and
// 90.0%, pooled 88.6%), with a nearest-labelled-question ranking that was
// tried and dropped (88.2%, 89.4%), with the class of questions no entry
// answers (87.6%, 91.1%), in the bench after it, after dev45-47 joined
// the examples with and without noneLeadAt (87.6% and 90.6% with it),
// and in the closing bench. The lead saw two of their questions in a diff
// when the dev repeats were removed.
const (
	HeldOut15File = "faq/heldout15.yaml"
	HeldOut16File = "faq/heldout16.yaml"
)

// HeldOutSet is one held-out set and the name of its accuracy row (a
// format with one %d for the number of cases). The name says how clean the
// set still is.
type HeldOutSet struct {
	File, Row string
}

// HeldOutSets are the held-out sets, each scored on its own row.
var HeldOutSets = []HeldOutSet{
	{HeldOutFile, "held-out 1 (%d, aggregates read 42×)"},
	{HeldOut2File, "held-out 2 (%d, written blind s3, aggregates read 40×)"},
	{HeldOut3File, "held-out 3 (%d, written blind s4, read 37×; its locality row steered one change, s11)"},
	{HeldOut4File, "held-out 4 (%d, written blind s5, read 36×; its locality row steered one change, s11)"},
	{HeldOut5File, "held-out 5 (%d, written blind s6, never tuned on, read 35×)"},
	{HeldOut6File, "held-out 6 (%d, written blind s7, never tuned on, read 32×)"},
	{HeldOut7File, "held-out 7 (%d, written blind s8, never tuned on, read 30×)"},
	{HeldOut8File, "held-out 8 (%d, written blind s9, never tuned on, read 27×)"},
	{HeldOut9File, "held-out 9 (%d, written blind s10, never tuned on, read 27×)"},
	{HeldOut10File, "held-out 10 (%d, written blind s11, never tuned on, read 25×)"},
	{HeldOut11File, "held-out 11 (%d, written blind s12, never tuned on, read 17×)"},
	{HeldOut12File, "held-out 12 (%d, written blind s13, never tuned on, read 11×)"},
	{HeldOut13File, "held-out 13 (%d, written blind s14, never tuned on, read 16×)"},
	{HeldOut14File, "held-out 14 (%d, written blind s14, never tuned on, read 11×)"},
	{HeldOut15File, "held-out 15 (%d, written blind s15, never tuned on, read 7×)"},
	{HeldOut16File, "held-out 16 (%d, written blind s15, never tuned on, read 7×)"},
}

// BenchOptions changes what RunBench measures.
type BenchOptions struct {
	// DevOnly leaves every held-out set out entirely (neither loaded nor
	// scored nor timed): whoever is tuning the engine uses this.
	DevOnly bool
	// Rounds is how many times the latency part answers every question
	// (benchRounds when 0). Tests that only check the report's shape take
	// a few: the timings are not what they check.
	Rounds int
}

// LoadDev reads every development set of fsys, in DevFiles order.
func LoadDev(fsys fs.FS) ([]EvalCase, error) {
	var dev []EvalCase
	for _, name := range DevFiles {
		cs, err := LoadEvalFile(fsys, name)
		if err != nil {
			return nil, err
		}
		dev = append(dev, cs...)
	}
	return dev, nil
}

// RunBench loads the KB and the evaluation sets from fsys (normally
// locales.FS) and prints, per kind, one row per held-out set (HeldOutSets,
// which did not tune the engine), the development sets scored each by an
// engine that did not learn from it (CrossValidate), the development row
// (DevFiles, which the engine tuned on and learned from), then latency on
// the real KB and on a synthetic 1,000-entry KB. It backs `loa bench faq`;
// o.DevOnly leaves every held-out set out.
func RunBench(w io.Writer, fsys fs.FS, o BenchOptions) error {
	kbs, err := LoadFS(fsys)
	if err != nil {
		return err
	}
	dev, err := LoadDev(fsys)
	if err != nil {
		return err
	}
	var heldout []EvalCase
	var acc []AccuracyRow
	e := NewEngine(kbs)
	if !o.DevOnly {
		for _, h := range HeldOutSets {
			cs, err := LoadEvalFile(fsys, h.File)
			if err != nil {
				return err
			}
			heldout = append(heldout, cs...)
			acc = append(acc, AccuracyRow{Name: fmt.Sprintf(h.Row, len(cs)), Report: Evaluate(e, cs)})
		}
	}
	big := make(map[string]*KB, len(kbs))
	for lang, kb := range kbs {
		big[lang] = Synthetic(kb, SyntheticSize)
	}
	cv, err := CrossValidate(kbs, fsys)
	if err != nil {
		return err
	}
	acc = append(acc, AccuracyRow{Name: fmt.Sprintf("development (%d), each set left out of training", len(dev)), Report: cv})
	acc = append(acc, AccuracyRow{Name: fmt.Sprintf("development (%d, all dev sets, trained on)", len(dev)), Report: Evaluate(e, dev)})
	for _, name := range DevFiles {
		cs, err := LoadEvalFile(fsys, name)
		if err != nil {
			return err
		}
		acc = append(acc, AccuracyRow{Name: fmt.Sprintf("  %s (%d)", strings.TrimPrefix(name, "faq/"), len(cs)), Report: Evaluate(e, cs)})
	}
	if err := WriteAccuracyTable(w, acc); err != nil {
		return err
	}
	all := append(append([]EvalCase{}, dev...), heldout...)
	rows := []BenchRow{
		BenchKB("real KB", kbs, all, o.rounds()),
		BenchKB(fmt.Sprintf("synthetic %d", SyntheticSize), big, all, o.rounds()),
	}
	fmt.Fprintln(w)
	return WriteBenchTable(w, len(all), o.rounds(), rows)
}

// CrossValidate scores each development set with an engine that learned
// from every other set's examples but not its own: since the engine trains
// on the dev sets (KB.Examples), their own row measures recall of what it
// was taught, and this is the development figure that means something.
func CrossValidate(kbs map[string]*KB, fsys fs.FS) (EvalReport, error) {
	all := EvalReport{Total: map[string]int{}, Correct: map[string]int{}}
	for _, name := range DevFiles {
		cs, err := LoadEvalFile(fsys, name)
		if err != nil {
			return all, err
		}
		all.add(Evaluate(NewEngine(leaveOut(kbs, name)), cs))
	}
	return all, nil
}

// leaveOut copies kbs without the examples read from file.
func leaveOut(kbs map[string]*KB, file string) map[string]*KB {
	return dropExamples(kbs, func(x Example) bool { return x.From == file })
}

// dropExamples copies kbs without the examples drop reports.
func dropExamples(kbs map[string]*KB, drop func(Example) bool) map[string]*KB {
	out := make(map[string]*KB, len(kbs))
	for lang, kb := range kbs {
		k := *kb
		k.Examples = slices.DeleteFunc(slices.Clone(kb.Examples), drop)
		k.Outside = slices.DeleteFunc(slices.Clone(kb.Outside), drop)
		out[lang] = &k
	}
	return out
}

// AccuracyRow is one line of the accuracy table.
type AccuracyRow struct {
	Name   string
	Report EvalReport
}

// WriteAccuracyTable prints per-kind accuracy, in-scope accuracy (gap
// cases apart) and how many out-of-scope cases got a confident answer.
func WriteAccuracyTable(w io.Writer, rows []AccuracyRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAQ accuracy (first action)\tin-scope\taccented\tunaccented/teencode\tEnglish\tOOS declined\tOOS answered (another province)\tsmalltalk\tlocality\tcommands\tgap (not answered wrongly)\tin-scope misses: wrong entry (right one offered) / did you mean / no answer\t")
	for _, r := range rows {
		c, t := r.Report.InScopeAccuracy()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d (%d)\t%s\t%s\t%s\t%s\t%d (%d) / %d / %d\t\n", r.Name, ratio(c, t),
			pct(r.Report, KindAccented), pct(r.Report, KindPlain), pct(r.Report, KindEnglish),
			pct(r.Report, KindOOS), r.Report.OOSAnswered, r.Report.OtherProvinceAnswered, pct(r.Report, KindSmalltalk),
			pct(r.Report, KindLocality), pct(r.Report, KindCommand), pct(r.Report, KindGap),
			r.Report.Wrong, r.Report.WrongOffered, r.Report.Choices, r.Report.NoAnswer)
	}
	fmt.Fprintln(tw, "target (held-out)\t≥92%\t≥85%\t≥85%\t≥85%\t≥95%\t(0)\t≥85%\t≥85%\t\t\t\t")
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("faq: write accuracy table: %w", err)
	}
	return nil
}

func ratio(c, t int) string {
	if t == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(c)/float64(t), c, t)
}

func (o BenchOptions) rounds() int {
	if o.Rounds > 0 {
		return o.Rounds
	}
	return benchRounds
}

// BenchKB evaluates and times one set of knowledge bases, answering every
// case rounds times for the timings.
func BenchKB(name string, kbs map[string]*KB, cases []EvalCase, rounds int) BenchRow {
	e := NewEngine(kbs)
	row := BenchRow{Name: name, Report: Evaluate(e, cases)}
	for _, kb := range kbs {
		row.Entries = len(kb.Entries)
	}
	row.P50, row.P99, row.Mean = measure(e, cases, rounds)
	return row
}

// measure answers every case rounds times on one goroutine and returns the
// p50, p99 and mean wall time per answer (equal to CPU time here, since the
// engine neither blocks nor spawns goroutines).
func measure(e *Engine, cases []EvalCase, rounds int) (p50, p99, mean time.Duration) {
	if len(cases) == 0 {
		return 0, 0, 0
	}
	d := make([]time.Duration, 0, rounds*len(cases))
	runtime.GC()
	var total time.Duration
	for range rounds {
		for _, c := range cases {
			t0 := time.Now()
			e.Answer(c.Lang, c.Q)
			el := time.Since(t0)
			d = append(d, el)
			total += el
		}
	}
	slices.Sort(d)
	return d[len(d)*50/100], d[len(d)*99/100], total / time.Duration(len(d))
}

// WriteBenchTable prints latency rows as an aligned table.
func WriteBenchTable(w io.Writer, ncases, rounds int, rows []BenchRow) error {
	if _, err := fmt.Fprintf(w, "FAQ latency: %d questions; wall time per Answer, one goroutine, %d rounds\n", ncases, rounds); err != nil {
		return fmt.Errorf("faq: write bench table: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KB\tentries/lang\tp50\tp99\tmean\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\n", r.Name, r.Entries, fmtDur(r.P50), fmtDur(r.P99), fmtDur(r.Mean))
	}
	fmt.Fprintln(tw, "target\t\t\t<1ms@1000\t\t")
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("faq: write bench table: %w", err)
	}
	return nil
}

func pct(r EvalReport, kind string) string {
	return ratio(r.Correct[kind], r.Total[kind])
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
}
