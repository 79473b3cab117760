package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/bot/zalofake"
)

// loa chat
func newChatCmd(a *App) *cobra.Command {
	var id int64
	var lang, name, channel string
	c := &cobra.Command{Use: "chat", Short: "talk to the bot as a resident, in the terminal (the sandbox `loa dev` serves)",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error {
			switch channel {
			case "telegram":
				return chat(ctx, a, id, lang, name)
			case "zalo":
				return chatZalo(ctx, a, id, name)
			}
			return usageError{fmt.Errorf("--channel %q: want telegram or zalo", channel)}
		})}
	c.Flags().Int64Var(&id, "user-id", 1001, "your user id in the sandbox")
	c.Flags().StringVar(&lang, "lang", "vi", "your Telegram language code (Zalo sends none)")
	c.Flags().StringVar(&name, "name", "Resident", "your first name (Zalo: display name)")
	c.Flags().StringVar(&channel, "channel", "telegram", "telegram or zalo: which sandbox to chat on")
	return c
}

// chat talks to the bot in the terminal as a resident, through the
// sandbox that `loa dev` serves on LOA_SANDBOX_ADDR.
func chat(ctx context.Context, a *App, id int64, lang, name string) error {
	user := tgfake.User{ID: id, FirstName: name, Username: "resident" + strconv.FormatInt(id, 10), LanguageCode: lang}
	if err := tgfake.Chat(ctx, tgfake.NewClient(httpBase(a.Cfg.SandboxAddr)), user, a.Stdin, a.Stdout); err != nil {
		return fmt.Errorf("sandbox at %s (is `loa dev` running without TELEGRAM_TOKEN?): %w", a.Cfg.SandboxAddr, err)
	}
	return nil
}

// chatZalo is chat on the sandbox Zalo (LOA_ZALO_SANDBOX_ADDR): choices
// come as numbered lines and are answered with the number.
func chatZalo(ctx context.Context, a *App, id int64, name string) error {
	user := zalofake.User{ID: "zalo-resident-" + strconv.FormatInt(id, 10), DisplayName: name}
	if err := zalofake.Chat(ctx, zalofake.NewClient(httpBase(a.Cfg.ZaloSandboxAddr)), user, a.Stdin, a.Stdout); err != nil {
		return fmt.Errorf("sandbox Zalo at %s (is `loa dev` running without tokens?): %w", a.Cfg.ZaloSandboxAddr, err)
	}
	return nil
}

func httpBase(addr string) string {
	if !strings.HasPrefix(addr, "http") {
		return "http://" + addr
	}
	return addr
}
