package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/tgfake"
)

// loa chat
func newChatCmd(a *App) *cobra.Command {
	var id int64
	var lang, name string
	c := &cobra.Command{Use: "chat", Short: "talk to the bot as a resident, in the terminal (the sandbox `loa dev` serves)",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error { return chat(ctx, a, id, lang, name) })}
	c.Flags().Int64Var(&id, "user-id", 1001, "your Telegram user id in the sandbox")
	c.Flags().StringVar(&lang, "lang", "vi", "your Telegram language code")
	c.Flags().StringVar(&name, "name", "Resident", "your first name")
	return c
}

// cmdChat talks to the bot in the terminal as a resident, through the
// sandbox that `loa dev` serves on LOA_SANDBOX_ADDR.
func chat(ctx context.Context, a *App, id int64, lang, name string) error {
	base := a.Cfg.SandboxAddr
	if !strings.HasPrefix(base, "http") {
		base = "http://" + base
	}
	user := tgfake.User{ID: id, FirstName: name, Username: "resident" + strconv.FormatInt(id, 10), LanguageCode: lang}
	if err := tgfake.Chat(ctx, tgfake.NewClient(base), user, a.Stdin, a.Stdout); err != nil {
		return fmt.Errorf("sandbox at %s (is `loa dev` running without TELEGRAM_TOKEN?): %w", a.Cfg.SandboxAddr, err)
	}
	return nil
}
