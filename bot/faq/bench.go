package faq

import (
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
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

// RunBench loads the KB and eval set from fsys (normally locales.FS),
// evaluates and times the engine on the real KB and on a synthetic
// 1,000-entry KB, and prints the table to w. It backs `loa bench faq`.
func RunBench(w io.Writer, fsys fs.FS) error {
	kbs, err := LoadFS(fsys)
	if err != nil {
		return err
	}
	cases, err := LoadEval(fsys)
	if err != nil {
		return err
	}
	heldout, err := LoadEvalFile(fsys, "faq/heldout.yaml")
	if err != nil {
		return err
	}
	big := make(map[string]*KB, len(kbs))
	for lang, kb := range kbs {
		big[lang] = Synthetic(kb, SyntheticSize)
	}
	rows := []BenchRow{
		BenchKB("real KB", kbs, cases),
		BenchKB(fmt.Sprintf("synthetic %d", SyntheticSize), big, cases),
	}
	if err := WriteBenchTable(w, len(cases), rows); err != nil {
		return err
	}
	// the eval set tuned the engine; the held-out set did not
	fmt.Fprintf(w, "\nHeld-out set (faq/heldout.yaml, never used for tuning): %d cases\n", len(heldout))
	return WriteBenchTable(w, len(heldout), []BenchRow{BenchKB("real KB, held-out", kbs, heldout)})
}

// BenchKB evaluates and times one set of knowledge bases.
func BenchKB(name string, kbs map[string]*KB, cases []EvalCase) BenchRow {
	e := NewEngine(kbs)
	row := BenchRow{Name: name, Report: Evaluate(e, cases)}
	for _, kb := range kbs {
		row.Entries = len(kb.Entries)
	}
	row.P50, row.P99, row.Mean = measure(e, cases, benchRounds)
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

// WriteBenchTable prints rows as an aligned table.
func WriteBenchTable(w io.Writer, ncases int, rows []BenchRow) error {
	if _, err := fmt.Fprintf(w, "FAQ engine: %d eval cases; latency = wall time per Answer, one goroutine, %d rounds\n", ncases, benchRounds); err != nil {
		return fmt.Errorf("faq: write bench table: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KB\tentries/lang\taccented\tunaccented/typo\tEnglish\tOOS declined\tp50\tp99\tmean\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Entries,
			pct(r.Report, KindAccented), pct(r.Report, KindPlain), pct(r.Report, KindEnglish),
			pct(r.Report, KindOOS), fmtDur(r.P50), fmtDur(r.P99), fmtDur(r.Mean))
	}
	fmt.Fprintln(tw, "target\t\t≥92%\t≥88%\t≥90%\t≥90%\t\t<1ms@1000\t\t")
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("faq: write bench table: %w", err)
	}
	return nil
}

func pct(r EvalReport, kind string) string {
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*r.Accuracy(kind), r.Correct[kind], r.Total[kind])
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
}
