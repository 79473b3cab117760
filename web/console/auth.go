package console

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pquerna/otp/totp"
	"github.com/skip2/go-qrcode"

	"github.com/loa-vn/loa/store"
)

// Password rules: long rather than complicated (NIST SP 800-63B).
const (
	minPassword = 12
	maxPassword = 200
)

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if c.sessions.GetInt64(ctx, keyStaff) != 0 && c.sessions.GetString(ctx, keyStage) == stageIn {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	p := c.newPage(r, "signin_title")
	p.Form = newForm()
	p.Form.Values["login"] = c.sessions.PopString(ctx, keyLogin)
	c.render(w, r, "signin", p)
}

// lockedPage shows the sign-in form again with the lock and its end.
func (c *Console) locked(w http.ResponseWriter, r *http.Request, tmpl string, p *page, until time.Time) {
	d, _ := p.Data.(map[string]string)
	if d == nil {
		d = map[string]string{}
	}
	d["Until"] = p.When(until)
	p.Data = d
	p.Message = "signin_locked"
	c.renderStatus(w, r, http.StatusTooManyRequests, tmpl, p)
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := c.newPage(r, "signin_title")
	f := newForm()
	p.Form = f
	login := strings.ToLower(strings.TrimSpace(r.PostFormValue("login")))
	password := r.PostFormValue("password")
	f.Values["login"] = r.PostFormValue("login")
	if login == "" {
		f.fail("login", "signin_login_required")
	}
	if password == "" {
		f.fail("password", "signin_password_required")
	}
	if len(login) > 100 || len(password) > maxPassword {
		f.fail("login", "signin_wrong")
	}
	if !f.ok() {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "signin", p)
		return
	}
	now := c.d.Now()
	accountKey, ipKey := "login:"+login, "ip:"+clientIP(r)
	until, err := c.d.Store.LoginLockedUntil(ctx, now, accountKey, ipKey)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !until.IsZero() {
		c.locked(w, r, "signin", p, until)
		return
	}
	st, cred, err := c.d.Store.ConsoleAccountByLogin(ctx, login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, err)
		return
	}
	hash := dummyHash()
	usable := err == nil && cred.PasswordHash != nil && st.DisabledAt == nil
	if usable {
		hash = *cred.PasswordHash
	}
	match, herr := CheckPassword(hash, password)
	if herr != nil {
		c.d.Log.Error("console: stored password hash", "staff_id", st.ID, "err", herr)
	}
	if !usable || !match {
		c.signInFailed(w, r, "signin", p, st.ID, accountKey, ipKey, now)
		return
	}
	if err := c.d.Store.ClearLoginFailures(ctx, accountKey); err != nil {
		c.fail(w, r, err)
		return
	}
	// a new session id at every step up, so a planted cookie is worth nothing
	if err := c.sessions.RenewToken(ctx); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(ctx, keyStaff, st.ID)
	c.sessions.Remove(ctx, keyMFA)
	switch {
	case cred.HasTOTP(), needsSecondFactor(st.Role) && c.chatCodes(st):
		c.sessions.Put(ctx, keyStage, stagePassword)
		http.Redirect(w, r, Prefix+"sign-in/code", http.StatusSeeOther)
	case needsSecondFactor(st.Role):
		c.sessions.Put(ctx, keyStage, stagePassword)
		http.Redirect(w, r, Prefix+"sign-in/enrol", http.StatusSeeOther)
	default:
		c.signedIn(w, r, st.ID)
	}
}

// signInFailed counts a failure against the account and the address, and
// says either "wrong" or, when this failure locked something, until when.
func (c *Console) signInFailed(w http.ResponseWriter, r *http.Request, tmpl string, p *page, staffID int64, accountKey, ipKey string, now time.Time) {
	ctx := r.Context()
	accUntil, err := c.d.Store.RecordLoginFailure(ctx, accountKey, now, accountLock)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	ipUntil, err := c.d.Store.RecordLoginFailure(ctx, ipKey, now, ipLock)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	until := accUntil
	if ipUntil.After(until) {
		until = ipUntil
	}
	c.d.Log.Info("console: sign-in failed", "staff_id", staffID, "locked", !until.IsZero())
	if tmpl == "code" && staffID != 0 {
		if st, cred, err := c.d.Store.ConsoleAccount(ctx, staffID); err == nil {
			c.codeFlags(p, st, cred)
		}
	}
	if !until.IsZero() {
		if staffID != 0 && !accUntil.IsZero() {
			if err := c.d.Store.AuditSignIn(ctx, staffID, "staff.console_lockout", map[string]time.Time{"until": accUntil}); err != nil {
				c.d.Log.Error("console: audit lock-out", "staff_id", staffID, "err", err)
			}
		}
		c.locked(w, r, tmpl, p, until)
		return
	}
	if tmpl == "signin" {
		p.Form.fail("password", "signin_wrong")
	} else {
		p.Form.fail("code", "code_wrong")
	}
	c.renderStatus(w, r, http.StatusUnprocessableEntity, tmpl, p)
}

// signedIn finishes a sign-in: full session, audit, back to where they were going.
func (c *Console) signedIn(w http.ResponseWriter, r *http.Request, staffID int64) {
	ctx := r.Context()
	if err := c.sessions.RenewToken(ctx); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(ctx, keyStage, stageIn)
	if err := c.d.Store.AuditSignIn(ctx, staffID, "staff.console_sign_in", map[string]bool{"second_factor": c.sessions.GetBool(ctx, keyMFA)}); err != nil {
		c.fail(w, r, err)
		return
	}
	c.d.Log.Info("console: signed in", "staff_id", staffID)
	http.Redirect(w, r, safeNext(c.sessions.PopString(ctx, keyNext)), http.StatusSeeOther)
}

// halfway returns the staff member who passed the password step and still
// owes the second factor, or sends them back to the start.
func (c *Console) halfway(w http.ResponseWriter, r *http.Request) (store.Staff, store.Credential, bool) {
	ctx := r.Context()
	id := c.sessions.GetInt64(ctx, keyStaff)
	if id == 0 || c.sessions.GetString(ctx, keyStage) != stagePassword {
		http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
		return store.Staff{}, store.Credential{}, false
	}
	st, cred, err := c.d.Store.ConsoleAccount(ctx, id)
	if err != nil || st.DisabledAt != nil {
		_ = c.sessions.Destroy(ctx)
		http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
		return st, cred, false
	}
	return st, cred, true
}

func (c *Console) codePage(w http.ResponseWriter, r *http.Request) {
	if st, cred, ok := c.halfway(w, r); ok {
		if !cred.HasTOTP() && !c.chatCodes(st) {
			http.Redirect(w, r, Prefix+"sign-in/enrol", http.StatusSeeOther)
			return
		}
		p := c.newPage(r, "code_title")
		p.Form = newForm()
		c.codeFlags(p, st, cred)
		c.render(w, r, "code", p)
	}
}

// code checks the second factor: a 6-digit TOTP code, or a recovery code.
func (c *Console) code(w http.ResponseWriter, r *http.Request) {
	st, cred, ok := c.halfway(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p := c.newPage(r, "code_title")
	p.Form = newForm()
	c.codeFlags(p, st, cred)
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		p.Form.fail("code", "code_required")
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "code", p)
		return
	}
	if !cred.HasTOTP() && !c.chatCodes(st) {
		http.Redirect(w, r, Prefix+"sign-in/enrol", http.StatusSeeOther)
		return
	}
	now := c.d.Now()
	accountKey, ipKey := "login:"+cred.Login, "ip:"+clientIP(r)
	until, err := c.d.Store.LoginLockedUntil(ctx, now, accountKey, ipKey)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !until.IsZero() {
		c.locked(w, r, "code", p, until)
		return
	}
	good := false
	if c.chatCodes(st) && len(code) == 6 {
		if good, err = c.d.Store.UseChatCode(ctx, st.ID, code, now); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	if good {
		c.d.Log.Info("console: chat code used", "staff_id", st.ID)
	} else if !cred.HasTOTP() {
		// no authenticator: only a chat code or a recovery code
		if utf8.RuneCountInString(code) <= 20 && len(code) != 6 {
			remaining, err := c.d.Store.UseRecoveryCode(ctx, st.ID, hashRecovery(code))
			switch {
			case err == nil:
				good = true
				c.d.Log.Info("console: recovery code used", "staff_id", st.ID, "remaining", remaining)
			case !errors.Is(err, store.ErrNotFound):
				c.fail(w, r, err)
				return
			}
		}
	} else if step, ok := checkTOTP(*cred.TOTPSecret, code, now); ok {
		if good, err = c.d.Store.AcceptTOTPStep(ctx, st.ID, step); err != nil {
			c.fail(w, r, err)
			return
		}
	} else if utf8.RuneCountInString(code) <= 20 {
		remaining, err := c.d.Store.UseRecoveryCode(ctx, st.ID, hashRecovery(code))
		switch {
		case err == nil:
			good = true
			c.d.Log.Info("console: recovery code used", "staff_id", st.ID, "remaining", remaining)
		case !errors.Is(err, store.ErrNotFound):
			c.fail(w, r, err)
			return
		}
	}
	if !good {
		c.signInFailed(w, r, "code", p, st.ID, accountKey, ipKey, now)
		return
	}
	if err := c.d.Store.ClearLoginFailures(ctx, accountKey); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(ctx, keyMFA, true)
	c.signedIn(w, r, st.ID)
}

// enrolSecret is the TOTP secret being enrolled, made once per session.
func (c *Console) enrolSecret(r *http.Request, login string) (string, string, error) {
	ctx := r.Context()
	if s := c.sessions.GetString(ctx, keySecret); s != "" {
		return s, totpURL(s, login), nil
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Loa", AccountName: login})
	if err != nil {
		return "", "", err
	}
	c.sessions.Put(ctx, keySecret, key.Secret())
	return key.Secret(), totpURL(key.Secret(), login), nil
}

// totpURL is the otpauth URL an authenticator app reads from the QR code.
func totpURL(secret, login string) string {
	v := url.Values{"secret": {secret}, "issuer": {"Loa"}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/Loa:" + login, RawQuery: v.Encode()}
	return u.String()
}

// enrolling is a staff member who may enrol now: halfway through signing in
// with no second factor yet.
func (c *Console) enrolling(w http.ResponseWriter, r *http.Request) (store.Staff, store.Credential, bool) {
	st, cred, ok := c.halfway(w, r)
	if ok && cred.HasTOTP() {
		http.Redirect(w, r, Prefix+"sign-in/code", http.StatusSeeOther)
		return st, cred, false
	}
	return st, cred, ok
}

type enrolData struct {
	Key string
}

func (c *Console) enrolPage(w http.ResponseWriter, r *http.Request) {
	_, cred, ok := c.enrolling(w, r)
	if !ok {
		return
	}
	secret, _, err := c.enrolSecret(r, cred.Login)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "enrol_title")
	p.Form = newForm()
	p.Data = enrolData{Key: groupKey(secret)}
	c.render(w, r, "enrol", p)
}

func (c *Console) enrolQR(w http.ResponseWriter, r *http.Request) {
	_, cred, ok := c.enrolling(w, r)
	if !ok {
		return
	}
	_, u, err := c.enrolSecret(r, cred.Login)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	png, err := qrcode.Encode(u, qrcode.Medium, 256)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = bytes.NewReader(png).WriteTo(w)
}

func (c *Console) enrol(w http.ResponseWriter, r *http.Request) {
	st, cred, ok := c.enrolling(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	secret, _, err := c.enrolSecret(r, cred.Login)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "enrol_title")
	p.Form = newForm()
	p.Data = enrolData{Key: groupKey(secret)}
	code := strings.TrimSpace(r.PostFormValue("code"))
	step, good := checkTOTP(secret, code, c.d.Now())
	if code == "" {
		p.Form.fail("code", "code_required")
	} else if !good {
		p.Form.fail("code", "enrol_wrong")
	}
	if !p.Form.ok() {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "enrol", p)
		return
	}
	codes, hashes := newRecoveryCodes()
	if err := c.d.Store.EnableTOTP(ctx, store.StaffActor(st.ID, ""), st.ID, secret, step, hashes); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Remove(ctx, keySecret)
	c.sessions.Put(ctx, keyRecovery, codes)
	c.sessions.Put(ctx, keyMFA, true)
	c.sessions.Put(ctx, keyNext, Prefix+"recovery-codes")
	c.signedIn(w, r, st.ID)
}

// recoveryCodesPage shows the codes made at enrolment, once.
func (c *Console) recoveryCodesPage(w http.ResponseWriter, r *http.Request) {
	codes, _ := c.sessions.Pop(r.Context(), keyRecovery).([]string)
	if len(codes) == 0 {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	p := c.newPage(r, "recovery_title")
	p.Data = codes
	c.render(w, r, "recovery", p)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := c.lang(r)
	if id := c.sessions.GetInt64(ctx, keyStaff); id != 0 {
		c.d.Log.Info("console: signed out", "staff_id", id)
	}
	if err := c.sessions.Destroy(ctx); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(ctx, keyLang, lang)
	c.sessions.Put(ctx, keyFlash, "signout_done")
	http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
}

type setPasswordData struct {
	Name, Login string
}

func (c *Console) setPasswordPage(w http.ResponseWriter, r *http.Request) {
	st, cred, err := c.d.Store.PasswordLinkStaff(r.Context(), r.PathValue("token"))
	if err != nil {
		c.linkGone(w, r, err)
		return
	}
	p := c.newPage(r, "setpw_title")
	p.Form = newForm()
	p.Data = setPasswordData{Name: st.Name, Login: cred.Login}
	c.render(w, r, "setpassword", p)
}

func (c *Console) linkGone(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		c.renderError(w, r, http.StatusNotFound, "setpw_link_bad")
		return
	}
	c.fail(w, r, err)
}

func (c *Console) setPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	st, cred, err := c.d.Store.PasswordLinkStaff(ctx, token)
	if err != nil {
		c.linkGone(w, r, err)
		return
	}
	p := c.newPage(r, "setpw_title")
	p.Form = newForm()
	p.Data = setPasswordData{Name: st.Name, Login: cred.Login}
	pw, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	switch n := utf8.RuneCountInString(pw); {
	case n == 0:
		p.Form.fail("password", "signin_password_required")
	case n < minPassword:
		p.Form.fail("password", "setpw_short")
	case n > maxPassword:
		p.Form.fail("password", "setpw_long")
	case strings.EqualFold(strings.TrimSpace(pw), cred.Login):
		p.Form.fail("password", "setpw_is_login")
	}
	if confirm != pw {
		p.Form.fail("confirm", "setpw_mismatch")
	}
	if !p.Form.ok() {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "setpassword", p)
		return
	}
	if _, err := c.d.Store.SetPasswordWithLink(ctx, token, HashPassword(pw)); err != nil {
		c.linkGone(w, r, err)
		return
	}
	c.d.Log.Info("console: password set", "staff_id", st.ID)
	c.sessions.Put(ctx, keyFlash, "setpw_done")
	c.sessions.Put(ctx, keyLogin, cred.Login)
	http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
}
