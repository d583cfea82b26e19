package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

// userJSON mirrors internal/web's user answer.
type userJSON struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	TOTPEnabled bool      `json:"totp_enabled"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	LastLoginAt time.Time `json:"last_login_at"`
}

func (u userJSON) user() *sitrep.User {
	return &sitrep.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: sitrep.Role(u.Role), TOTPEnabled: u.TOTPEnabled,
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt}
}

// maxPages bounds a walk through a paged list, so a server that keeps
// answering next_cursor cannot keep the client looping.
const maxPages = 10000

// Users lists every user, oldest first (admin).
func (c *Client) Users(ctx context.Context) ([]sitrep.User, error) {
	var users []sitrep.User
	cursor := ""
	for range maxPages {
		var out struct {
			Users      []userJSON `json:"users"`
			NextCursor *string    `json:"next_cursor"`
		}
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		if err := c.send(ctx, http.MethodGet, "/api/v1/users", q, nil, &out); err != nil {
			return nil, err
		}
		for _, u := range out.Users {
			users = append(users, *u.user())
		}
		if out.NextCursor == nil {
			break
		}
		cursor = *out.NextCursor
	}
	return users, nil
}

// CreateUser creates a user (admin). The password travels to the server
// only; the answer never carries it.
func (c *Client) CreateUser(ctx context.Context, in sitrep.UserInput) (*sitrep.User, error) {
	body := map[string]any{"email": in.Email, "role": string(in.Role), "password": in.Password}
	setIf(body, "name", in.Name)
	var out userJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/users", nil, body, &out, http.StatusCreated); err != nil {
		return nil, err
	}
	return out.user(), nil
}

// UpdateUser changes a user's name, role or password; empty fields stay as
// they are. The email cannot be changed through the API.
func (c *Client) UpdateUser(ctx context.Context, id string, in sitrep.UserInput) (*sitrep.User, error) {
	if in.Email != "" {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "email", "cannot be changed through the API; create a new user instead")
	}
	body := map[string]any{}
	setIf(body, "name", in.Name)
	setIf(body, "role", string(in.Role))
	setIf(body, "password", in.Password)
	var out userJSON
	if err := c.send(ctx, http.MethodPatch, "/api/v1/users/"+url.PathEscape(id), nil, body, &out); err != nil {
		return nil, err
	}
	return out.user(), nil
}

// DisableUser disables a user and ends their sessions (admin).
func (c *Client) DisableUser(ctx context.Context, id string) error {
	return c.sendNoContent(ctx, http.MethodPost, "/api/v1/users/"+url.PathEscape(id)+"/disable", nil)
}

// sendNoContent makes a call whose success is 204 No Content.
func (c *Client) sendNoContent(ctx context.Context, method, path string, in any) error {
	if c.badURL {
		return sitrep.Errorf(sitrep.EINVALID, "server URL %q: expected an absolute URL such as http://127.0.0.1:8080", c.base)
	}
	target := c.base + path
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", target, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.raw(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusOK {
		return apiError(req, res)
	}
	return nil
}

// raw sends req with the client's headers; the caller closes the body.
func (c *Client) raw(req *http.Request) (*http.Response, error) {
	req.Header.Set("User-Agent", "sitrep-client")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("could not reach sitrep at %s: %w", req.URL, unwrapURLError(err))
	}
	return res, nil
}
