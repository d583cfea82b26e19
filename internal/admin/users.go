package admin

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

type usersData struct {
	Users  []sitrep.User
	Tokens []sitrep.APIToken
	Roles  []sitrep.Role
	// NewUser and NewToken refill the forms after a rejected submission.
	NewUser  userForm
	NewToken tokenForm
	// Created is a new API token's secret, shown on this one response only.
	Created     string
	CreatedName string
}

type userForm struct{ Email, Name, Role string }

type tokenForm struct{ Name, Role, Expires string }

var roles = []sitrep.Role{sitrep.RoleViewer, sitrep.RoleResponder, sitrep.RoleAdmin}

func (u *UI) usersData(r *http.Request) (*usersData, error) {
	d := &usersData{Roles: roles, NewUser: userForm{Role: string(sitrep.RoleViewer)}, NewToken: tokenForm{Role: string(sitrep.RoleViewer)}}
	var err error
	if d.Users, err = u.accounts.Users(r.Context()); err != nil {
		return nil, err
	}
	if d.Tokens, err = u.accounts.Tokens(r.Context()); err != nil {
		return nil, err
	}
	return d, nil
}

// showUsers renders the page with a notice or a form error.
func (u *UI) showUsers(w http.ResponseWriter, r *http.Request, s *sitrep.Session, edit func(*usersData), formErr error) {
	d, err := u.usersData(r)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	if edit != nil {
		edit(d)
	}
	v := u.newView(s, "Users and tokens", "users", d)
	status := http.StatusOK
	if formErr != nil {
		code := sitrep.ErrorCode(formErr)
		if code != sitrep.EINVALID && code != sitrep.ECONFLICT {
			u.fail(w, r, s, formErr)
			return
		}
		v.Error, status = errorText(formErr), sitrep.HTTPStatus(code)
	}
	switch r.URL.Query().Get("done") {
	case "created":
		v.Notice = "The user was created. Tell them their password by a separate channel; they should change it after signing in."
	case "disabled":
		v.Notice = "The user was disabled and signed out everywhere."
	case "revoked":
		v.Notice = "The token was revoked."
	}
	u.render(w, r, status, "users", v)
}

func (u *UI) handleUsers(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	u.showUsers(w, r, s, nil, nil)
}

func (u *UI) handleCreateUser(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	f := userForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role")}
	in := sitrep.UserInput{Email: f.Email, Name: f.Name, Role: sitrep.Role(f.Role), Password: r.PostFormValue("password")}
	var err error
	if !sitrep.ValidRole(in.Role) {
		err = sitrep.FieldErrorf(sitrep.EINVALID, "role", "unknown role %q; valid: viewer, responder, admin", f.Role)
	} else {
		_, err = u.accounts.CreateUser(r.Context(), &s.Principal, in)
	}
	if err != nil {
		u.showUsers(w, r, s, func(d *usersData) { d.NewUser = f }, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=created", http.StatusSeeOther)
}

func (u *UI) handleDisableUser(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	if err := u.accounts.DisableUser(r.Context(), &s.Principal, r.PathValue("id")); err != nil {
		u.showUsers(w, r, s, nil, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=disabled", http.StatusSeeOther)
}

// handleCreateToken answers with the page itself rather than a redirect:
// the secret exists only in this response and is never shown again.
func (u *UI) handleCreateToken(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Expires: r.PostFormValue("expires")}
	role := sitrep.Role(f.Role)
	var expires time.Time
	var err error
	if !sitrep.ValidRole(role) {
		err = sitrep.FieldErrorf(sitrep.EINVALID, "role", "unknown role %q; valid: viewer, responder, admin", f.Role)
	} else if f.Expires != "" {
		var d time.Time
		if d, err = time.ParseInLocation("2006-01-02", f.Expires, u.loc); err != nil {
			err = sitrep.FieldErrorf(sitrep.EINVALID, "expires", "%q is not a date; use YYYY-MM-DD", f.Expires)
		}
		expires = d
	}
	var secret string
	var tok *sitrep.APIToken
	if err == nil {
		secret, tok, err = u.accounts.CreateToken(r.Context(), &s.Principal, f.Name, role, expires)
	}
	if err != nil {
		u.showUsers(w, r, s, func(d *usersData) { d.NewToken = f }, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	u.showUsers(w, r, s, func(d *usersData) { d.Created, d.CreatedName = secret, tok.Name }, nil)
}

func (u *UI) handleRevokeToken(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	if err := u.accounts.RevokeToken(r.Context(), &s.Principal, r.PathValue("id")); err != nil {
		u.showUsers(w, r, s, nil, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=revoked", http.StatusSeeOther)
}

// pathID escapes an id for use in a URL path.
func pathID(id string) string { return url.PathEscape(id) }
