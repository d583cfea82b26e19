package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// fakeOutbox keeps deliveries in a slice, newest last; it records retries
// and kicks.
type fakeOutbox struct {
	sitrep.OutboxStore // unused methods panic

	mu      sync.Mutex
	ds      []sitrep.Delivery
	kicks   int
	retried time.Time
}

func (f *fakeOutbox) Deliveries(_ context.Context, state sitrep.DeliveryState, limit int) ([]sitrep.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sitrep.Delivery
	for i := len(f.ds) - 1; i >= 0 && len(out) < limit; i-- {
		if state == "" || f.ds[i].State == state {
			out = append(out, f.ds[i])
		}
	}
	return out, nil
}

func (f *fakeOutbox) RetryDelivery(_ context.Context, id string, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.ds {
		if f.ds[i].ID == id {
			if f.ds[i].State != sitrep.DeliveryFailed {
				return sitrep.Errorf(sitrep.ECONFLICT, "delivery %q has not failed; only failed deliveries can be retried", id)
			}
			f.ds[i].State, f.ds[i].NextAttemptAt, f.retried = sitrep.DeliveryPending, now, now
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no delivery with id %q", id)
}

func (f *fakeOutbox) Kick() {
	f.mu.Lock()
	f.kicks++
	f.mu.Unlock()
}

func newOutboxEnv(t *testing.T) (*recordsEnv, *fakeOutbox) {
	t.Helper()
	at := testTime().Add(-time.Hour)
	fo := &fakeOutbox{ds: []sitrep.Delivery{
		{ID: "d1", EventID: "e1", Kind: sitrep.EventIncidentOpened, Channel: "subscriber", SubscriberID: "s1",
			Recipient: "a@example.com", IdempotencyKey: "e1-aa", OrderKey: "incident:1", State: sitrep.DeliveryDelivered,
			Attempts: 1, CreatedAt: at, DeliveredAt: at.Add(time.Second)},
		{ID: "d2", EventID: "e1", Kind: sitrep.EventIncidentOpened, Channel: "ops-hook", Recipient: "https://ops.example.com/hooks/sitrep",
			IdempotencyKey: "e1-bb", OrderKey: "incident:1", State: sitrep.DeliveryFailed, Attempts: 9, CreatedAt: at,
			LastError: "gave up after 24h0m0s: 503 Service Unavailable"},
		{ID: "d3", EventID: "e2", Kind: sitrep.EventAlertTriggered, Channel: "pager", Recipient: "pagerduty",
			IdempotencyKey: "e2-cc", State: sitrep.DeliveryPending, Attempts: 2, CreatedAt: at, NextAttemptAt: at.Add(time.Minute),
			LastError: "timeout"},
	}}
	re := newRecordsEnv(t, func(o *Options) { o.Deliveries = fo })
	return re, fo
}

func TestDeliveriesList(t *testing.T) {
	re, _ := newOutboxEnv(t)
	cases := []struct {
		name, target, token string
		status              int
		want                []string // substrings; ids in this order
	}{
		{"all newest first", "/api/v1/deliveries", viewerToken, 200, []string{`"id":"d3"`, `"id":"d2"`, `"id":"d1"`}},
		{"failed with last error", "/api/v1/deliveries?state=failed", viewerToken, 200,
			[]string{`"id":"d2"`, `"last_error":"gave up after 24h0m0s: 503 Service Unavailable"`, `"attempts":9`}},
		{"pending shows next attempt", "/api/v1/deliveries?state=pending&limit=1", adminToken, 200,
			[]string{`"id":"d3"`, `"next_attempt_at":"2026-11-21T11:01:00Z"`}},
		{"limit", "/api/v1/deliveries?limit=1", adminToken, 200, []string{`"id":"d3"`}},
		{"bad state", "/api/v1/deliveries?state=lost", adminToken, 400, []string{`"field":"state"`, "valid: pending, delivered, failed"}},
		{"bad limit", "/api/v1/deliveries?limit=0", adminToken, 400, []string{`"field":"limit"`, "from 1 to 1000"}},
		{"no token", "/api/v1/deliveries", "", 401, []string{"bearer token"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.token != "" {
				hdr = []string{"Authorization", "Bearer " + c.token}
			}
			res := re.do(t, "GET", c.target, nil, hdr...)
			body := readBody(t, res)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
			last := -1
			for _, w := range c.want {
				i := strings.Index(body, w)
				if i < 0 {
					t.Errorf("body lacks %s: %s", w, body)
				}
				if strings.HasPrefix(w, `"id"`) {
					if i < last {
						t.Errorf("%s out of order: %s", w, body)
					}
					last = i
				}
			}
			if strings.Contains(c.target, "limit=1") && strings.Count(body, `"id":`) != 1 {
				t.Errorf("limit=1 returned %s", body)
			}
		})
	}
}

func TestDeliveriesRetry(t *testing.T) {
	re, fo := newOutboxEnv(t)
	cases := []struct {
		name, id, token string
		status          int
		want            string
	}{
		{"viewer may not", "d2", viewerToken, 403, "may not"},
		{"not failed", "d1", adminToken, 409, "only failed deliveries can be retried"},
		{"unknown", "nope", adminToken, 404, "no delivery"},
		{"failed one", "d2", adminToken, 204, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := re.do(t, "POST", "/api/v1/deliveries/"+c.id+"/retry", nil, "Authorization", "Bearer "+c.token)
			body := readBody(t, res)
			if res.StatusCode != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("status %d body %s, want %d with %q", res.StatusCode, body, c.status, c.want)
			}
		})
	}
	if fo.kicks != 1 || !fo.retried.Equal(testTime()) || fo.ds[1].State != sitrep.DeliveryPending {
		t.Errorf("after retry: kicks %d, retried at %s, state %s", fo.kicks, fo.retried, fo.ds[1].State)
	}
	res := re.do(t, "GET", "/api/v1/deliveries/d2/retry", nil, "Authorization", "Bearer "+adminToken)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Errorf("GET on retry: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res = re.do(t, "POST", "/api/v1/deliveries/d2/retry", nil, "Authorization", "Bearer "+adminToken, "Sec-Fetch-Site", "cross-site")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site retry: %d, want 403", res.StatusCode)
	}
}
