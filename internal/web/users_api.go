package web

import (
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

const (
	defaultAdminLimit = 100
	maxAdminLimit     = 1000
)

// userJSON is a user as the API shows it: never a password or its hash.
type userJSON struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	TOTPEnabled bool       `json:"totp_enabled"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

type userListJSON struct {
	Users      []userJSON `json:"users"`
	NextCursor *string    `json:"next_cursor"`
}

// userCreateBody is POST /api/v1/users.
type userCreateBody struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// userPatchBody is PATCH /api/v1/users/{id}; absent fields stay as they are.
type userPatchBody struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
}

func newUserJSON(u sitrep.User) userJSON {
	out := userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role),
		TOTPEnabled: u.TOTPEnabled, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
	if !u.LastLoginAt.IsZero() {
		t := u.LastLoginAt
		out.LastLoginAt = &t
	}
	return out
}

func (a *adminAPI) listUsers(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	limit, offset, err := parseLimitCursor(r.URL.Query().Get, defaultAdminLimit, maxAdminLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	users, err := a.accounts.Users(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, next := pageOf(users, offset, limit)
	out := userListJSON{Users: make([]userJSON, len(page)), NextCursor: next}
	for i, u := range page {
		out.Users[i] = newUserJSON(u)
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}

func (a *adminAPI) createUser(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	var body userCreateBody
	if err := decodeBody(w, r, &body); err != nil {
		a.fail(w, r, err)
		return
	}
	role, err := roleField(body.Role, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.accounts.CreateUser(r.Context(), p, sitrep.UserInput{Email: body.Email, Name: body.Name, Role: role, Password: body.Password})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/"+url.PathEscape(u.ID))
	a.s.writeJSON(w, r, http.StatusCreated, newUserJSON(*u))
}

func (a *adminAPI) updateUser(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	var body userPatchBody
	if err := decodeBody(w, r, &body); err != nil {
		a.fail(w, r, err)
		return
	}
	var in sitrep.UserInput
	if body.Name != nil {
		if *body.Name == "" {
			a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "name", "must not be empty; leave the field out to keep the name"))
			return
		}
		in.Name = *body.Name
	}
	if body.Role != nil {
		role, err := roleField(*body.Role, true)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		in.Role = role
	}
	if body.Password != nil {
		if *body.Password == "" {
			a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "password", "must not be empty; leave the field out to keep the password"))
			return
		}
		in.Password = *body.Password
	}
	if body.Name == nil && body.Role == nil && body.Password == nil {
		a.fail(w, r, sitrep.Errorf(sitrep.EINVALID, "nothing to change; send at least one of name, role, password"))
		return
	}
	u, err := a.accounts.UpdateUser(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.s.writeJSON(w, r, http.StatusOK, newUserJSON(*u))
}

func (a *adminAPI) disableUser(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	if err := a.accounts.DisableUser(r.Context(), p, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// roleField checks a role given in a body.
func roleField(s string, required bool) (sitrep.Role, error) {
	if s == "" && !required {
		return "", nil
	}
	if !sitrep.ValidRole(sitrep.Role(s)) {
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "role", "unknown role %q; valid: admin, responder, viewer", s)
	}
	return sitrep.Role(s), nil
}
