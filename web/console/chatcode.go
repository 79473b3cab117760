package console

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/store"
)

// The second factor's alternative to TOTP: a one-time code the bot sends to
// the staff member's linked Telegram chat (loa staff link / the bot's
// /link). It works for ChatCodeTTL, once; at most chatCodeSends codes are
// sent per chatCodeWindow to one account, and a wrong code counts toward
// the sign-in lock-out like a wrong TOTP code.

// chatCodeLimit bounds the codes sent to one staff member.
var chatCodeLimit = store.LockPolicy{Failures: 3, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

// chatCodes reports whether st can get a code by chat.
func (c *Console) chatCodes(st store.Staff) bool { return c.d.Chat != nil && st.Linked() }

// sendChatCode sends a fresh code to the chat of the staff member halfway
// through signing in.
func (c *Console) sendChatCode(w http.ResponseWriter, r *http.Request) {
	st, cred, ok := c.halfway(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if !c.chatCodes(st) {
		http.Redirect(w, r, Prefix+"sign-in/code", http.StatusSeeOther)
		return
	}
	now := c.d.Now()
	key := "chatcode:" + strconv.FormatInt(st.ID, 10)
	until, err := c.d.Store.LoginLockedUntil(ctx, now, key)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !until.IsZero() {
		p := c.newPage(r, "code_title")
		p.Form = newForm()
		p.Data = map[string]string{"Until": p.When(until), "Chat": "1", "TOTP": boolFlag(cred.HasTOTP())}
		p.Message = "chatcode_limit"
		c.renderStatus(w, r, http.StatusTooManyRequests, "code", p)
		return
	}
	if _, err := c.d.Store.RecordLoginFailure(ctx, key, now, chatCodeLimit); err != nil { // counts the send
		c.fail(w, r, err)
		return
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	code := fmt.Sprintf("%06d", n.Int64())
	if err := c.d.Store.SetChatCode(ctx, st.ID, code, now); err != nil {
		c.fail(w, r, err)
		return
	}
	text := c.cat.T(c.lang(r), "chatcode_message", "Code", code, "Minutes", int(store.ChatCodeTTL.Minutes()))
	out := c.d.Chat.Send(ctx, strconv.FormatInt(*st.TelegramUserID, 10), channel.Part{Text: text})
	if out.Kind != channel.Sent {
		c.d.Log.Warn("console: chat code not sent", "staff_id", st.ID, "outcome", out.Kind.String())
		c.sessions.Put(ctx, keyFlash, "chatcode_failed")
	} else {
		c.d.Log.Info("console: chat code sent", "staff_id", st.ID)
		c.sessions.Put(ctx, keyFlash, "chatcode_sent")
	}
	http.Redirect(w, r, Prefix+"sign-in/code", http.StatusSeeOther)
}

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// codeFlags tells the code page which second factors the person has.
func (c *Console) codeFlags(p *page, st store.Staff, cred store.Credential) {
	d, _ := p.Data.(map[string]string)
	if d == nil {
		d = map[string]string{}
	}
	d["Chat"], d["TOTP"] = boolFlag(c.chatCodes(st)), boolFlag(cred.HasTOTP())
	p.Data = d
}
