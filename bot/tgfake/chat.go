package tgfake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// chatDrain is how long Chat keeps listening after input ends, so piped
// scripts (`echo /start | loa chat`) still see the bot's answers.
const chatDrain = time.Second

// chatView is the state shared by Chat's reader and printer.
type chatView struct {
	mu      sync.Mutex
	out     io.Writer
	buttons []Button // of the latest message that had inline buttons
	msgID   int
}

// Chat lets a person talk to the bot as user through the sandbox: bot
// messages are printed as the user would see them, inline buttons as
// numbered choices; typing a number presses one, anything else is sent as
// text, "/contact <phone>" shares a contact. "/quit" or end of input ends
// the chat.
func Chat(ctx context.Context, c *Client, user User, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, cursor, err := c.Messages(ctx, user.ID, 0, 0)
	if err != nil {
		return fmt.Errorf("sandbox not reachable: %w", err)
	}
	v := &chatView{out: out}
	v.printf("chatting as %s (id %d); /contact <phone> shares a phone number, /quit leaves\n", user.wire().FirstName, user.ID)
	done := make(chan error, 1)
	go func() { done <- v.follow(ctx, c, user.ID, cursor) }()
	err = v.read(ctx, c, user, in)
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

// read handles the person's lines until /quit (nil) or EOF (io.EOF).
func (v *chatView) read(ctx context.Context, c *Client, user User, in io.Reader) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			continue
		case line == "/quit":
			return nil
		}
		if err := v.act(ctx, c, user, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.EOF
}

func (v *chatView) act(ctx context.Context, c *Client, user User, line string) error {
	if phone, ok := strings.CutPrefix(line, "/contact "); ok {
		_, err := c.Contact(ctx, user, strings.TrimSpace(phone))
		return err
	}
	if n, err := strconv.Atoi(line); err == nil {
		v.mu.Lock()
		buttons, msgID := v.buttons, v.msgID
		v.mu.Unlock()
		if n >= 1 && n <= len(buttons) {
			b := buttons[n-1]
			if b.CallbackData == "" {
				v.printf("(link: %s)\n", b.URL)
				return nil
			}
			_, err := c.Press(ctx, user, msgID, b.CallbackData)
			return err
		}
	}
	_, err := c.Send(ctx, user, line)
	return err
}

// follow long-polls the sandbox and prints every bot message.
func (v *chatView) follow(ctx context.Context, c *Client, chatID, cursor int64) error {
	for ctx.Err() == nil {
		msgs, next, err := c.Messages(ctx, chatID, cursor, 25*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			v.printf("(sandbox error: %v)\n", err)
			sleepCtx(ctx, time.Second)
			continue
		}
		cursor = next
		for _, m := range msgs {
			v.show(m)
		}
	}
	return ctx.Err()
}

func (v *chatView) show(m SandboxMessage) {
	var b strings.Builder
	if m.Edited {
		b.WriteString("(edited) ")
	}
	if m.Photo != "" {
		b.WriteString("[photo] ")
	}
	b.WriteString(m.Text)
	b.WriteString("\n")
	var flat []Button
	for _, row := range m.Buttons {
		for i, btn := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			flat = append(flat, btn)
			fmt.Fprintf(&b, "[%d] %s", len(flat), btn.Text)
		}
		b.WriteString("\n")
	}
	for _, row := range m.Keyboard {
		labels := make([]string, len(row))
		for i, btn := range row {
			labels[i] = "(" + btn.Text + ")"
			if btn.RequestContact {
				labels[i] = "(" + btn.Text + ": type /contact <phone>)"
			}
		}
		b.WriteString("keyboard: " + strings.Join(labels, " ") + "\n")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(flat) > 0 {
		v.buttons, v.msgID = flat, m.MessageID
	} else if m.Edited && m.MessageID == v.msgID {
		v.buttons = nil // the keyboard was edited away
	}
	_, _ = io.WriteString(v.out, b.String())
}

func (v *chatView) printf(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintf(v.out, format, args...)
}
