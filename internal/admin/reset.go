package admin

import (
	"net/http"
	"strings"

	"sitrep"
)

type resetData struct {
	Pre     string
	Email   string
	CanMail bool
	Token   string
	Sent    bool
}

func (u *UI) handleResetRequestForm(w http.ResponseWriter, r *http.Request) {
	d := resetData{Pre: u.preToken(w, r), CanMail: u.sendReset != nil}
	u.render(w, r, http.StatusOK, "reset", u.newView(nil, "Reset your password", "", d))
}

// handleResetRequest answers the same whether or not the address has an
// account (and whether sending worked), so the form reveals nobody.
func (u *UI) handleResetRequest(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if u.sendReset != nil && email != "" {
		token, err := u.accounts.RequestPasswordReset(r.Context(), email)
		if err == nil && token != "" {
			err = u.sendReset(r.Context(), email, token)
		}
		if err != nil {
			u.logger.ErrorContext(r.Context(), "password reset request", "err", err)
		}
	}
	d := resetData{Pre: u.preToken(w, r), CanMail: u.sendReset != nil, Sent: true}
	u.render(w, r, http.StatusOK, "reset", u.newView(nil, "Reset your password", "", d))
}

func (u *UI) handleResetForm(w http.ResponseWriter, r *http.Request) {
	// The token is in the path; keep it out of the Referer of anything
	// this page loads (the layout asks for same-origin already).
	d := resetData{Pre: u.preToken(w, r), Token: r.PathValue("token")}
	u.render(w, r, http.StatusOK, "reset_token", u.newView(nil, "Choose a new password", "", d))
}

func (u *UI) handleReset(w http.ResponseWriter, r *http.Request) {
	token, pw := r.PathValue("token"), r.PostFormValue("password")
	var err error
	if pw != r.PostFormValue("password2") {
		err = sitrep.FieldErrorf(sitrep.EINVALID, "password2", "the two passwords differ")
	} else {
		err = u.accounts.ResetPassword(r.Context(), token, pw)
	}
	if err != nil {
		code := sitrep.ErrorCode(err)
		if code == sitrep.EINTERNAL {
			u.fail(w, r, nil, err)
			return
		}
		d := resetData{Pre: u.preToken(w, r), Token: token}
		v := u.newView(nil, "Choose a new password", "", d)
		v.Error = errorText(err)
		u.render(w, r, sitrep.HTTPStatus(code), "reset_token", v)
		return
	}
	http.Redirect(w, r, "/login?reset=done", http.StatusSeeOther)
}
