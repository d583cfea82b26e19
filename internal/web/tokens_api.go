package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

// tokenJSON describes an API token; the token itself is never in it.
type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// tokenCreatedJSON is the one answer that carries the token: it is stored
// hashed and cannot be shown again.
type tokenCreatedJSON struct {
	Token      string     `json:"token"`
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

type tokenListJSON struct {
	Tokens     []tokenJSON `json:"tokens"`
	NextCursor *string     `json:"next_cursor"`
}

// tokenCreateBody is POST /api/v1/tokens; expires_at is an RFC 3339 time,
// left out for a token that never expires.
type tokenCreateBody struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	ExpiresAt string `json:"expires_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newTokenJSON(t sitrep.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Role: string(t.Role), CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
		ExpiresAt: optTime(t.ExpiresAt), LastUsedAt: optTime(t.LastUsedAt)}
}

func (a *adminAPI) listTokens(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	limit, offset, err := parseLimitCursor(r.URL.Query().Get, defaultAdminLimit, maxAdminLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	tokens, err := a.accounts.Tokens(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, next := pageOf(tokens, offset, limit)
	out := tokenListJSON{Tokens: make([]tokenJSON, len(page)), NextCursor: next}
	for i, t := range page {
		out.Tokens[i] = newTokenJSON(t)
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}

func (a *adminAPI) createToken(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	var body tokenCreateBody
	if err := decodeBody(w, r, &body); err != nil {
		a.fail(w, r, err)
		return
	}
	role, err := roleField(body.Role, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var expires time.Time
	if body.ExpiresAt != "" {
		if expires, err = time.Parse(time.RFC3339, body.ExpiresAt); err != nil {
			a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "expires_at",
				"expected an RFC 3339 time such as 2027-01-31T00:00:00Z, got %q", body.ExpiresAt))
			return
		}
	}
	token, t, err := a.accounts.CreateToken(r.Context(), p, body.Name, role, expires)
	if e, ok := errors.AsType[*sitrep.Error](err); ok && e.Field == "expires" {
		// The service's word for it; the caller sent expires_at.
		c := *e
		c.Field = "expires_at"
		err = &c
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	j := newTokenJSON(*t)
	w.Header().Set("Location", "/api/v1/tokens/"+url.PathEscape(t.ID))
	a.s.writeJSON(w, r, http.StatusCreated, tokenCreatedJSON{Token: token, ID: j.ID, Name: j.Name, Role: j.Role,
		CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt, ExpiresAt: j.ExpiresAt, LastUsedAt: j.LastUsedAt})
}

func (a *adminAPI) revokeToken(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	if err := a.accounts.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
