package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

// tokenJSON mirrors internal/web's token answers; Token is set only in
// the answer to a create.
type tokenJSON struct {
	Token      string    `json:"token"`
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastUsedAt time.Time `json:"last_used_at"`
}

func (t tokenJSON) apiToken() *sitrep.APIToken {
	return &sitrep.APIToken{ID: t.ID, Name: t.Name, Role: sitrep.Role(t.Role), CreatedBy: t.CreatedBy,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt}
}

// Tokens lists every API token, oldest first (admin); never the tokens
// themselves.
func (c *Client) Tokens(ctx context.Context) ([]sitrep.APIToken, error) {
	var tokens []sitrep.APIToken
	cursor := ""
	for range maxPages {
		var out struct {
			Tokens     []tokenJSON `json:"tokens"`
			NextCursor *string     `json:"next_cursor"`
		}
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		if err := c.send(ctx, http.MethodGet, "/api/v1/tokens", q, nil, &out); err != nil {
			return nil, err
		}
		for _, t := range out.Tokens {
			tokens = append(tokens, *t.apiToken())
		}
		if out.NextCursor == nil {
			break
		}
		cursor = *out.NextCursor
	}
	return tokens, nil
}

// CreateToken makes an API token (admin) and returns it with its record;
// this is the only time the token can be read. A zero expires never
// expires.
func (c *Client) CreateToken(ctx context.Context, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error) {
	body := map[string]any{"name": name, "role": string(role)}
	if !expires.IsZero() {
		body["expires_at"] = expires.UTC().Format(time.RFC3339)
	}
	var out tokenJSON
	if err := c.send(ctx, http.MethodPost, "/api/v1/tokens", nil, body, &out, http.StatusCreated); err != nil {
		return "", nil, err
	}
	return out.Token, out.apiToken(), nil
}

// RevokeToken deletes an API token (admin).
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.sendNoContent(ctx, http.MethodDelete, "/api/v1/tokens/"+url.PathEscape(id), nil)
}
