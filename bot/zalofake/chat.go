package zalofake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// chatDrain is how long Chat keeps listening after input ends, so piped
// scripts (`echo "trợ giúp" | loa chat --channel zalo`) still see the answers.
const chatDrain = time.Second

// Chat lets a person talk to the bot as user through the sandbox, as a
// Zalo resident would: every line is sent as a text message (numbered
// choices are answered by typing the number, as on Zalo), "/image <url>"
// sends a photo, "/sticker" a sticker; the bot's messages are printed as
// the resident sees them. "/quit" or end of input ends the chat.
func Chat(ctx context.Context, c *Client, user User, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, cursor, err := c.Messages(ctx, user.ID, 0, 0)
	if err != nil {
		return fmt.Errorf("sandbox not reachable: %w", err)
	}
	fmt.Fprintf(out, "chatting on Zalo as %s (id %s); type a number to choose, /image URL sends a photo, /quit leaves\n",
		user.DisplayName, user.ID)
	done := make(chan error, 1)
	go func() { done <- follow(ctx, c, user.ID, cursor, out) }()
	err = readLines(ctx, c, user, in)
	if errors.Is(err, io.EOF) {
		sleepCtx(ctx, chatDrain)
		err = nil
	}
	cancel()
	if ferr := <-done; err == nil && ferr != nil && !errors.Is(ferr, context.Canceled) {
		err = ferr
	}
	return err
}

func readLines(ctx context.Context, c *Client, user User, in io.Reader) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		var err error
		switch {
		case line == "":
			continue
		case line == "/quit":
			return nil
		case strings.HasPrefix(line, "/image"):
			_, err = c.SendImage(ctx, user, strings.TrimSpace(strings.TrimPrefix(line, "/image")), "")
		case line == "/sticker":
			_, err = c.SendSticker(ctx, user, "sandbox-sticker")
		default:
			_, err = c.Send(ctx, user, line)
		}
		if err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.EOF
}

// follow long-polls the sandbox and prints every bot message.
func follow(ctx context.Context, c *Client, chatID string, cursor int64, out io.Writer) error {
	for ctx.Err() == nil {
		msgs, next, err := c.Messages(ctx, chatID, cursor, 25*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fmt.Fprintf(out, "(sandbox error: %v)\n", err)
			sleepCtx(ctx, time.Second)
			continue
		}
		cursor = next
		for _, m := range msgs {
			fmt.Fprintln(out, m.Text)
		}
	}
	return ctx.Err()
}
