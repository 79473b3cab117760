package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// deadServices is an environment whose PostgreSQL and Redis do not exist:
// help must not need them (nothing listens on port 1).
func deadServices(k string) string {
	return map[string]string{
		"DATABASE_URL": "postgres://postgres@127.0.0.1:1/loa?sslmode=disable&connect_timeout=1",
		"REDIS_URL":    "redis://127.0.0.1:1/0",
	}[k]
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, deadServices, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// every command path of the command line, from the tree itself
func commandPaths(c *cobra.Command, prefix []string) [][]string {
	var out [][]string
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" {
			continue
		}
		p := append(append([]string{}, prefix...), sub.Name())
		out = append(out, p)
		out = append(out, commandPaths(sub, p)...)
	}
	return out
}

func TestEveryCommandPrintsHelpWithoutServices(t *testing.T) {
	paths := commandPaths(newRoot(&App{}), nil)
	if len(paths) < 25 {
		t.Fatalf("only %d command paths found: %v", len(paths), paths)
	}
	for _, p := range append(paths, []string{}) {
		for _, flag := range []string{"-h", "--help"} {
			code, out, errOut := runCLI(append(append([]string{}, p...), flag)...)
			name := strings.Join(append([]string{"loa"}, p...), " ")
			if code != 0 || !strings.Contains(out, "Usage:") || errOut != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q; want usage on stdout and exit 0", name, flag, code, out, errOut)
			}
		}
	}
}

func TestHelpCommandPrintsTheSameUsage(t *testing.T) {
	for _, p := range [][]string{{"broadcast"}, {"migrate"}, {"web"}, {"broadcast", "schedule"}} {
		code, viaHelp, _ := runCLI(append([]string{"help"}, p...)...)
		_, viaFlag, _ := runCLI(append(p, "--help")...)
		if code != 0 || viaHelp != viaFlag {
			t.Errorf("loa help %v: exit %d, output differs from --help:\n%s\n---\n%s", p, code, viaHelp, viaFlag)
		}
	}
}

func TestNamedCommandsShowTheirOwnUsage(t *testing.T) {
	for cmd, want := range map[string]string{
		"broadcast": "schedule", "migrate": "down-one", "web": "loa web",
	} {
		code, out, _ := runCLI(cmd, "--help")
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("loa %s --help: exit %d, no %q in:\n%s", cmd, code, want, out)
		}
	}
}

func TestWrongFlagPrintsUsageOnStderrAndExits2(t *testing.T) {
	for _, args := range [][]string{
		{"broadcast", "list", "--bogus"},
		{"web", "--port", "1"},
		{"ask", "--json=maybe", "hi"},
		{"broadcast", "show"},           // missing ID
		{"broadcast", "show", "x"},      // not a number
		{"broadcast", "frobnicate"},     // unknown subcommand
		{"frobnicate"},                  // unknown command
		{"migrate", "sideways"},         // unknown migrate step
		{"staff", "add", "--name", "A"}, // missing --role
	} {
		code, out, errOut := runCLI(args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "Usage:") {
			t.Errorf("loa %v: exit %d, stdout %q, stderr %q; want usage on stderr and exit 2", args, code, out, errOut)
		}
	}
}

func TestNoArgumentsPrintsTheCommandList(t *testing.T) {
	code, out, _ := runCLI()
	if code != 0 || !strings.Contains(out, "broadcast") || !strings.Contains(out, "migrate") {
		t.Errorf("loa: exit %d, stdout %q", code, out)
	}
}
