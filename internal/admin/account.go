package admin

import (
	"net/http"
	"strings"

	"sitrep"
)

func (u *UI) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/account", u.read(u.handleAccount))
	mux.HandleFunc("POST /admin/account/totp", u.write(u.handleBeginTOTP, false))
	mux.HandleFunc("POST /admin/account/totp/confirm", u.write(u.handleConfirmTOTP, false))
	mux.HandleFunc("POST /admin/account/password", u.write(u.handleChangePassword, false))
	mux.HandleFunc("GET /reset", u.handleResetRequestForm)
	mux.HandleFunc("POST /reset", u.guardAnon(u.handleResetRequest))
	mux.HandleFunc("GET /reset/{token}", u.handleResetForm)
	mux.HandleFunc("POST /reset/{token}", u.guardAnon(u.handleReset))
}

type accountData struct {
	// Enrolling holds a new secret between BeginTOTP and ConfirmTOTP.
	Secret, OTPAuth string
	// Recovery codes are shown once, right after ConfirmTOTP.
	Recovery []string
}

func (u *UI) showAccount(w http.ResponseWriter, r *http.Request, s *sitrep.Session, status int, d accountData, formErr error) {
	v := u.newView(s, "Your account", "account", d)
	if formErr != nil {
		v.Error = errorText(formErr)
	}
	u.render(w, r, status, "account", v)
}

func (u *UI) handleAccount(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	u.showAccount(w, r, s, http.StatusOK, accountData{}, nil)
}

// handleBeginTOTP answers with the secret rather than redirecting, so that
// it is in this response only and never in a URL or the history.
func (u *UI) handleBeginTOTP(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	secret, otpauth, err := u.accounts.BeginTOTP(r.Context(), s.User.ID)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.showAccount(w, r, s, http.StatusOK, accountData{Secret: secret, OTPAuth: otpauth}, nil)
}

func (u *UI) handleConfirmTOTP(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	codes, err := u.accounts.ConfirmTOTP(r.Context(), s.User.ID, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		code := sitrep.ErrorCode(err)
		if code != sitrep.EINVALID && code != sitrep.ECONFLICT {
			u.fail(w, r, s, err)
			return
		}
		// The pending secret stays valid; show it again to retry the code.
		d := accountData{Secret: r.PostFormValue("secret"), OTPAuth: r.PostFormValue("otpauth")}
		if code == sitrep.ECONFLICT {
			d = accountData{}
		}
		u.showAccount(w, r, s, sitrep.HTTPStatus(code), d, err)
		return
	}
	s.User.TOTPEnabled = true
	u.showAccount(w, r, s, http.StatusOK, accountData{Recovery: codes}, nil)
}

// handleChangePassword asks for the current password too, so a browser
// left signed in cannot be used to take the account over.
func (u *UI) handleChangePassword(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	current, next := r.PostFormValue("current"), r.PostFormValue("password")
	var err error
	switch {
	case next == "":
		err = sitrep.FieldErrorf(sitrep.EINVALID, "password", "enter the new password")
	case next != r.PostFormValue("password2"):
		err = sitrep.FieldErrorf(sitrep.EINVALID, "password2", "the two new passwords differ")
	default:
		err = u.checkPassword(r, s.User.Email, current)
	}
	if err == nil {
		_, err = u.accounts.UpdateUser(r.Context(), &s.Principal, s.User.ID, sitrep.UserInput{Password: next})
	}
	if err != nil {
		code := sitrep.ErrorCode(err)
		if code != sitrep.EINVALID && code != sitrep.EUNAUTHORIZED {
			u.fail(w, r, s, err)
			return
		}
		u.showAccount(w, r, s, sitrep.HTTPStatus(code), accountData{}, err)
		return
	}
	// The service ends every session of the user on a password change,
	// this one included.
	u.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login?changed=1", http.StatusSeeOther)
}

// checkPassword verifies a password through a sign-in, which is rate
// limited like any other, and ends the session that sign-in opened.
func (u *UI) checkPassword(r *http.Request, email, password string) error {
	res, err := u.accounts.Login(r.Context(), email, password, clientIP(r))
	if err != nil {
		if c := sitrep.ErrorCode(err); c == sitrep.EUNAUTHORIZED || c == sitrep.ENOTFOUND {
			return sitrep.FieldErrorf(sitrep.EUNAUTHORIZED, "current", "the current password is wrong")
		}
		return err
	}
	if res.SessionToken != "" {
		if err := u.accounts.Logout(r.Context(), res.SessionToken); err != nil {
			u.logger.ErrorContext(r.Context(), "end password-check session", "err", err)
		}
	}
	return nil
}
