package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"sitrep"
	"sitrep/internal/sqlstore"
	"sitrep/internal/subscribe"
)

type subEnv struct {
	*pageEnv
	store *sqlstore.Store
	svc   *subscribe.Service
	ip    atomic.Int64
}

type noRecords struct{}

func (noRecords) Incident(context.Context, string) (*sitrep.Incident, error) {
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "none")
}
func (noRecords) Maintenance(context.Context, string) (*sitrep.Maintenance, error) {
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "none")
}

func newSubEnv(t *testing.T) *subEnv {
	t.Helper()
	snap := storyPage(t, storyOpts{})
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := subscribe.New(subscribe.Options{Store: st, Records: noRecords{}, Key: []byte(strings.Repeat("k", 32))},
		subscribe.Catalog{
			Components: []sitrep.Component{{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre"},
				{ID: "video-us", Name: "Video", Group: "US data centre"}},
			Pages:     []sitrep.Page{snap.Page},
			PublicURL: "https://status.example.com",
		})
	if err != nil {
		t.Fatal(err)
	}
	se := &subEnv{pageEnv: newPageEnv(t, snap), store: st, svc: svc}
	se.srv = se.newServer(func(o *Options) { o.Pages = se.pages; o.Subscribers = svc })
	return se
}

// do sends a request from a fresh client address unless from is set, so
// that only the rate-limit test meets the limits.
func (se *subEnv) do(method, path, body, from string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if from == "" {
		from = fmt.Sprintf("198.51.100.%d:4000", se.ip.Add(1)%250)
	}
	req.RemoteAddr = from
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	se.srv.ServeHTTP(rec, req)
	return rec
}

// confirmToken expands and composes the pending confirmation.
func (se *subEnv) confirmToken(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	evs, err := se.store.PendingEvents(ctx, 10)
	if err != nil || len(evs) == 0 {
		t.Fatalf("no confirmation event: %v", err)
	}
	ev := evs[len(evs)-1]
	ds, err := se.svc.Expand(ctx, ev)
	if err != nil || len(ds) != 1 {
		t.Fatalf("expand: %v %v", ds, err)
	}
	m, err := se.svc.Compose(ctx, ev, ds[0])
	if err != nil {
		t.Fatal(err)
	}
	tok := regexp.MustCompile(`/confirm/([A-Za-z0-9_-]+)`).FindStringSubmatch(m.Text)
	if tok == nil {
		t.Fatalf("no link in %s", m.Text)
	}
	return tok[1]
}

func TestSubscribeAPI(t *testing.T) {
	se := newSubEnv(t)
	for _, c := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"email", `{"page":"main","email":"ann@example.com","components":["courses-oslo"]}`, 202, `"status":"pending"`},
		{"same email again", `{"page":"main","email":"ann@example.com","components":["courses-oslo"]}`, 202, `"status":"pending"`},
		{"webhook", `{"page":"main","webhook":"https://hooks.example.net/x"}`, 201, `"secret":"`},
		{"private webhook", `{"page":"main","webhook":"http://10.0.0.5/x"}`, 400, `webhook: \"10.0.0.5\" is a local or private address`},
		{"unknown page", `{"page":"nope","email":"a@example.com"}`, 404, `no status page \"nope\"`},
		{"no page", `{"email":"a@example.com"}`, 400, `page: is required`},
		{"unknown field", `{"page":"main","mail":"a@example.com"}`, 400, `unknown field \"mail\"`},
		{"not json", `page=main`, 400, `must be JSON`},
		{"bad component", `{"page":"main","email":"a@example.com","components":["x"]}`, 400, `has no component \"x\"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := se.do("POST", "/api/v1/subscribers", c.body, "")
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Fatalf("%d %s, want %d containing %s", rec.Code, rec.Body, c.status, c.want)
			}
		})
	}
	// The answer for a new and a known address is the same byte for byte.
	se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"bob@example.com"}`, "")
	a := se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"new@example.com"}`, "").Body.String()
	b := se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"bob@example.com"}`, "").Body.String()
	if a != b {
		t.Fatalf("answers differ:\n%s\n%s", a, b)
	}
}

func TestSubscribeRateLimits(t *testing.T) {
	se := newSubEnv(t)
	for i := range ipBurst {
		if rec := se.do("POST", "/api/v1/subscribers", fmt.Sprintf(`{"page":"main","email":"u%d@example.com"}`, i), "203.0.113.7:1"); rec.Code != 202 {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"z@example.com"}`, "203.0.113.7:2")
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "rate_limited") {
		t.Fatalf("over the client limit: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	for i := range addrBurst {
		if rec := se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"Target@example.com"}`, ""); rec.Code != 202 {
			t.Fatalf("address request %d: %d", i, rec.Code)
		}
	}
	if rec := se.do("POST", "/api/v1/subscribers", `{"page":"main","email":"target@example.com "}`, ""); rec.Code != 429 {
		t.Fatalf("over the address limit from another client: %d", rec.Code)
	}
	l := newLimiter(1, 1, 3)
	for i := range 10 {
		l.allow(fmt.Sprint(i), testTime())
	}
	if len(l.buckets) > 3 {
		t.Fatalf("limiter holds %d keys, max 3", len(l.buckets))
	}
	if got := clientKey("[2001:db8:1:2:3:4:5:6]:80"); got != "2001:db8:1:2::/64" {
		t.Fatalf("clientKey v6 = %q", got)
	}
}

func TestSubscribeFormFlow(t *testing.T) {
	se := newSubEnv(t)
	for path, action := range map[string]string{"/": `action="/subscribe"`, "/main/": `action="/main/subscribe"`} {
		rec := se.do("GET", path, "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), action) {
			t.Fatalf("GET %s: %d, no form posting to %s", path, rec.Code, action)
		}
	}
	full := se.do("GET", "/main/subscribe", "", "")
	if full.Code != 200 || !strings.Contains(full.Body.String(), `value="courses-oslo"`) {
		t.Fatalf("full form: %d\n%s", full.Code, full.Body)
	}
	if rec := se.do("POST", "/main/subscribe", "email=a@example.com", "", "Sec-Fetch-Site", "cross-site"); rec.Code != 403 {
		t.Fatalf("cross-site post: %d", rec.Code)
	}
	bad := se.do("POST", "/subscribe", "email="+url.QueryEscape(`"><script>x</script>`), "", "Sec-Fetch-Site", "same-origin")
	if bad.Code != 400 || strings.Contains(bad.Body.String(), "<script>") || !strings.Contains(bad.Body.String(), "is not an email address") {
		t.Fatalf("bad address: %d\n%s", bad.Code, bad.Body)
	}
	ok := se.do("POST", "/main/subscribe", "email=ann%40example.com&component=video-us", "", "Sec-Fetch-Site", "same-origin")
	if ok.Code != 200 || !strings.Contains(ok.Body.String(), "Check your inbox") {
		t.Fatalf("subscribe: %d\n%s", ok.Code, ok.Body)
	}
	tok := se.confirmToken(t)
	if rec := se.do("GET", "/confirm/"+tok, "", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Confirm subscription") {
		t.Fatalf("confirm page: %d", rec.Code)
	}
	if rec := se.do("POST", "/confirm/"+tok, "", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Subscription confirmed") {
		t.Fatalf("confirm: %d\n%s", rec.Code, rec.Body)
	}
	if rec := se.do("POST", "/confirm/"+tok, "", ""); rec.Code != 404 {
		t.Fatalf("second confirm: %d", rec.Code)
	}
	sub, err := se.store.SubscriberByAddress(context.Background(), "main", sitrep.SubscriberEmail, "ann@example.com")
	if err != nil || !sub.Confirmed {
		t.Fatalf("not confirmed: %+v %v", sub, err)
	}
	// The manage token comes from a webhook subscription, which returns it.
	rec := se.do("POST", "/api/v1/subscribers", `{"page":"main","webhook":"https://hooks.example.net/y"}`, "")
	var res map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	manage := res["manage_url"]
	if page := se.do("GET", manage, "", ""); page.Code != 200 || !strings.Contains(page.Body.String(), "https://hooks.example.net/…") {
		t.Fatalf("manage page: %d\n%s", page.Code, page.Body)
	}
	saved := se.do("POST", manage, "action=save&component=courses-oslo", "", "Sec-Fetch-Site", "same-origin")
	if saved.Code != 200 || !strings.Contains(saved.Body.String(), "Saved.") || !strings.Contains(saved.Body.String(), `value="courses-oslo" checked`) {
		t.Fatalf("save: %d\n%s", saved.Code, saved.Body)
	}
	// RFC 8058 one-click: a bare POST with the form body, no Origin.
	if rec := se.do("POST", res["unsubscribe_url"], "List-Unsubscribe=One-Click", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Unsubscribed") {
		t.Fatalf("one-click: %d", rec.Code)
	}
	if rec := se.do("GET", manage, "", ""); rec.Code != 404 {
		t.Fatalf("manage after unsubscribe: %d", rec.Code)
	}
	if rec := se.do("POST", res["unsubscribe_url"], "List-Unsubscribe=One-Click", ""); rec.Code != 200 {
		t.Fatalf("second one-click: %d", rec.Code)
	}
}

func TestSubscribeFormOffWithoutService(t *testing.T) {
	pe := newPageEnv(t, storyPage(t, storyOpts{}))
	rec := httptest.NewRecorder()
	pe.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if strings.Contains(rec.Body.String(), "subscribe") {
		t.Fatal("the page offers a form without a subscription service")
	}
	rec = httptest.NewRecorder()
	pe.srv.ServeHTTP(rec, httptest.NewRequest("POST", "/main/subscribe", strings.NewReader("email=a@example.com")))
	if rec.Code == http.StatusOK {
		t.Fatalf("POST /main/subscribe without service: %d", rec.Code)
	}
}
