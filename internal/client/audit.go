package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sitrep"
)

type auditEntryJSON struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
	IP     string    `json:"ip"`
}

// AuditLog returns up to limit entries (0: the server's default) before a
// time (zero: newest), newest first, and the before of the next page: zero
// at the end.
func (c *Client) AuditLog(ctx context.Context, before time.Time, limit int) ([]sitrep.AuditEntry, time.Time, error) {
	q := url.Values{}
	if !before.IsZero() {
		q["before"] = []string{before.UTC().Format(time.RFC3339Nano)}
	}
	if limit > 0 {
		q["limit"] = []string{strconv.Itoa(limit)}
	}
	var out struct {
		Entries    []auditEntryJSON `json:"entries"`
		NextBefore *time.Time       `json:"next_before"`
	}
	if err := c.send(ctx, http.MethodGet, "/api/v1/audit", q, nil, &out); err != nil {
		return nil, time.Time{}, err
	}
	entries := make([]sitrep.AuditEntry, len(out.Entries))
	for i, e := range out.Entries {
		entries[i] = sitrep.AuditEntry(e)
	}
	var next time.Time
	if out.NextBefore != nil {
		next = *out.NextBefore
	}
	return entries, next, nil
}

// ExportAudit copies the whole audit log as CSV into w (admin).
func (c *Client) ExportAudit(ctx context.Context, w io.Writer) error {
	if c.badURL {
		return sitrep.Errorf(sitrep.EINVALID, "server URL %q: expected an absolute URL such as http://127.0.0.1:8080", c.base)
	}
	target := c.base + "/api/v1/audit.csv"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", target, err)
	}
	req.Header.Set("Accept", "text/csv")
	res, err := c.raw(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return apiError(req, res)
	}
	if _, err := io.Copy(w, res.Body); err != nil {
		return fmt.Errorf("read the audit export: %w", err)
	}
	return nil
}
