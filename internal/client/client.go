// Package client is a Go client of sitrep's JSON API, used by the CLI and
// the agent. It speaks only HTTP and the sitrep domain types.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

// Client calls one sitrep server.
type Client struct {
	base   string // without a trailing slash
	badURL bool   // reported by the first call, with the URL
	token  string
	hc     *http.Client
}

// New returns a client of the server at baseURL (e.g. "http://127.0.0.1:8080").
// token, when not empty, is sent as a bearer token; hc nil means
// http.DefaultClient.
func New(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimRight(baseURL, "/")
	u, err := url.Parse(base)
	// Checked here but reported by the first call, so that building a client
	// (often from a flag default) never needs error handling of its own.
	bad := err != nil || u.Scheme == "" || u.Host == ""
	return &Client{base: base, badURL: bad, token: token, hc: hc}
}

// Monitors lists every monitor, sorted by id.
func (c *Client) Monitors(ctx context.Context) ([]sitrep.MonitorView, error) {
	var body struct {
		Monitors []monitorJSON `json:"monitors"`
	}
	if err := c.do(ctx, "/api/v1/monitors", nil, &body); err != nil {
		return nil, err
	}
	views := make([]sitrep.MonitorView, len(body.Monitors))
	for i := range body.Monitors {
		views[i] = body.Monitors[i].view()
	}
	return views, nil
}

// Monitor returns one monitor; an unknown id is a *sitrep.Error with code
// sitrep.ENOTFOUND.
func (c *Client) Monitor(ctx context.Context, id string) (sitrep.MonitorView, error) {
	var body monitorJSON
	if err := c.do(ctx, "/api/v1/monitors/"+url.PathEscape(id), nil, &body); err != nil {
		return sitrep.MonitorView{}, err
	}
	return body.view(), nil
}

// Results returns a monitor's results with from <= time < to. A zero from or
// to leaves that end to the server (the last hour up to now).
func (c *Client) Results(ctx context.Context, id string, from, to time.Time) (sitrep.ResultSet, error) {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(time.RFC3339Nano))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(time.RFC3339Nano))
	}
	var body resultSetJSON
	if err := c.do(ctx, "/api/v1/monitors/"+url.PathEscape(id)+"/results", q, &body); err != nil {
		return sitrep.ResultSet{}, err
	}
	return body.resultSet(), nil
}

// HealthReport is the server's /healthz answer.
type HealthReport struct {
	// Status is "ok", "degraded" (storage writable but disk low) or
	// "unavailable" (storage not writable; Error says why).
	Status   string
	Storage  string
	Error    string
	Disk     Disk
	Monitors int
	Version  string
}

// Disk is the storage block of a HealthReport.
type Disk struct {
	Bytes  int64 // used by storage
	Budget int64 // configured cap
	Free   int64 // free on the file system, -1 if unknown
	Low    bool  // raw results are being dropped to protect the rest
}

// OK reports whether the server can do its job (it may still be degraded).
func (h HealthReport) OK() bool { return h.Status == "ok" || h.Status == "degraded" }

// Health fetches /healthz. An unavailable server answers 503 with a full
// report; that is returned with a nil error, since the report is the answer.
func (c *Client) Health(ctx context.Context) (HealthReport, error) {
	var body struct {
		Status  string `json:"status"`
		Storage string `json:"storage"`
		Error   string `json:"error"`
		Disk    struct {
			Bytes  int64 `json:"bytes"`
			Budget int64 `json:"budget"`
			Free   int64 `json:"free"`
			Low    bool  `json:"low"`
		} `json:"disk"`
		Monitors int    `json:"monitors"`
		Version  string `json:"version"`
	}
	err := c.do(ctx, "/healthz", nil, &body, http.StatusServiceUnavailable)
	if err != nil {
		return HealthReport{}, err
	}
	return HealthReport{
		Status: body.Status, Storage: body.Storage, Error: body.Error,
		Disk:     Disk{Bytes: body.Disk.Bytes, Budget: body.Disk.Budget, Free: body.Disk.Free, Low: body.Disk.Low},
		Monitors: body.Monitors, Version: body.Version,
	}, nil
}

// do GETs path and decodes a 200 answer (or one of alsoOK) into out.
func (c *Client) do(ctx context.Context, path string, q url.Values, out any, alsoOK ...int) error {
	if c.badURL {
		return sitrep.Errorf(sitrep.EINVALID, "server URL %q: expected an absolute URL such as http://127.0.0.1:8080", c.base)
	}
	// path is already escaped by the caller, so plain concatenation keeps a
	// base path prefix (a sitrep behind /status/) and escaped ids intact.
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", target, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sitrep-client")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("could not reach sitrep at %s: %w", target, unwrapURLError(err))
	}
	defer res.Body.Close()

	ok := res.StatusCode == http.StatusOK
	for _, s := range alsoOK {
		ok = ok || res.StatusCode == s
	}
	if !ok {
		return apiError(req, res)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("read answer of GET %s: %w", target, err)
	}
	return nil
}

// unwrapURLError drops the *url.Error layer, whose text repeats the URL the
// caller's message already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// apiError turns an error answer into a *sitrep.Error carrying the server's
// code, message and field; an answer that is not sitrep's (a proxy's 502
// page) gets a code from its HTTP status.
func apiError(req *http.Request, res *http.Response) error {
	var body struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(raw, &body) == nil && body.Error != nil && body.Error.Code != "" {
		e := body.Error
		// The server prefixes the message with the field so it reads on its
		// own; *sitrep.Error adds the prefix back in Error().
		msg := e.Message
		if e.Field != "" {
			msg = strings.TrimPrefix(msg, e.Field+": ")
		}
		return &sitrep.Error{Code: e.Code, Message: msg, Field: e.Field}
	}
	return sitrep.Errorf(codeOf(res.StatusCode), "%s %s: unexpected answer %s", req.Method, req.URL, res.Status)
}

// codeOf is the inverse of the server's status mapping, for answers that
// carry no code.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return sitrep.EINVALID
	case http.StatusNotFound:
		return sitrep.ENOTFOUND
	case http.StatusConflict:
		return sitrep.ECONFLICT
	case http.StatusUnauthorized:
		return sitrep.EUNAUTHORIZED
	case http.StatusForbidden:
		return sitrep.EFORBIDDEN
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return sitrep.EUNAVAILABLE
	}
	return sitrep.EINTERNAL
}
