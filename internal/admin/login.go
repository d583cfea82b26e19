package admin

import (
	"net/http"
	"net/url"
	"strings"

	"sitrep"
)

type loginData struct {
	Pre   string
	Next  string
	Email string
	TOTP  bool // the second step: ask for the code
}

func (u *UI) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if u.session(r) != nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	if needs, err := u.accounts.NeedsSetup(r.Context()); err == nil && needs {
		v := u.newView(nil, "Sign in", "", loginData{Pre: u.preToken(w, r)})
		v.Notice = "No administrator exists yet. Open the setup link sitrep printed on its console at start."
		u.render(w, r, http.StatusOK, "login", v)
		return
	}
	d := loginData{Pre: u.preToken(w, r), Next: safeNext(r.URL.Query().Get("next")), TOTP: r.URL.Query().Get("step") == "totp"}
	v := u.newView(nil, "Sign in", "", d)
	switch {
	case r.URL.Query().Get("setup") == "done":
		v.Notice = "The administrator account is ready. Sign in with it."
	case r.URL.Query().Get("reset") == "done":
		v.Notice = "Your password is set. Sign in with it."
	case r.URL.Query().Get("changed") != "":
		v.Notice = "Your password is changed and you were signed out everywhere. Sign in with the new one."
	}
	u.render(w, r, http.StatusOK, "login", v)
}

// handleLogin is both steps of sign-in: the password, then (when the
// account has it) the TOTP or recovery code, told apart by the field sent.
func (u *UI) handleLogin(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	if code := strings.TrimSpace(r.PostFormValue("code")); code != "" || r.PostFormValue("step") == "totp" {
		u.secondFactor(w, r, code, next)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	res, err := u.accounts.Login(r.Context(), email, r.PostFormValue("password"), clientIP(r))
	if err != nil {
		u.loginFailed(w, r, loginData{Email: email, Next: next}, err)
		return
	}
	u.signedIn(w, r, res, next)
}

// signedIn finishes a first sign-in step, by password or single sign-on:
// the browser gets the new token the service issued, never one it brought
// along, so a planted cookie cannot be fixated; then it goes on to next or
// to the TOTP step.
func (u *UI) signedIn(w http.ResponseWriter, r *http.Request, res sitrep.LoginResult, next string) {
	u.setCookie(w, r, sessionCookie, res.SessionToken, 0)
	if res.NeedTOTP {
		http.Redirect(w, r, "/login?step=totp&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (u *UI) secondFactor(w http.ResponseWriter, r *http.Request, code, next string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		v := u.newView(nil, "Sign in", "", loginData{Pre: u.preToken(w, r), Next: next})
		v.Error = "Sign in with your email and password first."
		u.render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	res, err := u.accounts.VerifySecondFactor(r.Context(), c.Value, code, clientIP(r))
	if err != nil {
		u.loginFailed(w, r, loginData{Next: next, TOTP: true}, err)
		return
	}
	if res.SessionToken != "" {
		u.setCookie(w, r, sessionCookie, res.SessionToken, 0)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginFailed shows the form again. Wrong credentials get one message
// whichever part was wrong, so the form does not reveal which emails exist.
func (u *UI) loginFailed(w http.ResponseWriter, r *http.Request, d loginData, err error) {
	code := sitrep.ErrorCode(err)
	msg := errorText(err)
	switch code {
	case sitrep.EUNAUTHORIZED, sitrep.ENOTFOUND:
		msg = "Wrong email or password."
		if d.TOTP {
			msg = "That code is not valid. Enter the current code from your app, or a recovery code."
		}
	case sitrep.EINTERNAL:
		u.logger.ErrorContext(r.Context(), "sign in", "err", err)
	}
	d.Pre = u.preToken(w, r)
	v := u.newView(nil, "Sign in", "", d)
	v.Error = msg
	status := sitrep.HTTPStatus(code)
	if code == sitrep.ENOTFOUND {
		status = http.StatusUnauthorized
	}
	u.render(w, r, status, "login", v)
}

// handleLogout ends the session. A browser whose session already ended is
// simply sent to sign in; one with a live session must prove the request
// is its own, so another site cannot sign people out.
func (u *UI) handleLogout(w http.ResponseWriter, r *http.Request) {
	if u.session(r) == nil {
		u.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	u.write(func(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := u.accounts.Logout(r.Context(), c.Value); err != nil {
				u.logger.ErrorContext(r.Context(), "sign out", "err", err)
			}
		}
		u.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	}, false)(w, r)
}

type setupData struct {
	Pre   string
	Token string
	Email string
	Name  string
}

func (u *UI) handleSetupForm(w http.ResponseWriter, r *http.Request) {
	needs, err := u.accounts.NeedsSetup(r.Context())
	if err != nil {
		u.fail(w, r, nil, err)
		return
	}
	if !needs {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	d := setupData{Pre: u.preToken(w, r), Token: r.URL.Query().Get("token")}
	u.render(w, r, http.StatusOK, "setup", u.newView(nil, "Set up sitrep", "", d))
}

func (u *UI) handleSetup(w http.ResponseWriter, r *http.Request) {
	d := setupData{Token: r.PostFormValue("token"), Email: strings.TrimSpace(r.PostFormValue("email")),
		Name: strings.TrimSpace(r.PostFormValue("name"))}
	in := sitrep.UserInput{Email: d.Email, Name: d.Name, Role: sitrep.RoleAdmin, Password: r.PostFormValue("password")}
	if in.Password != r.PostFormValue("password2") {
		u.setupFailed(w, r, d, sitrep.FieldErrorf(sitrep.EINVALID, "password2", "the two passwords differ"))
		return
	}
	if _, err := u.accounts.CompleteSetup(r.Context(), d.Token, in); err != nil {
		u.setupFailed(w, r, d, err)
		return
	}
	http.Redirect(w, r, "/login?setup=done", http.StatusSeeOther)
}

func (u *UI) setupFailed(w http.ResponseWriter, r *http.Request, d setupData, err error) {
	if sitrep.ErrorCode(err) == sitrep.EINTERNAL {
		u.logger.ErrorContext(r.Context(), "complete setup", "err", err)
	}
	d.Pre = u.preToken(w, r)
	v := u.newView(nil, "Set up sitrep", "", d)
	v.Error = errorText(err)
	u.render(w, r, sitrep.HTTPStatus(sitrep.ErrorCode(err)), "setup", v)
}
