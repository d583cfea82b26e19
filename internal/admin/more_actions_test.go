package admin

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func anonPostWith(t *testing.T, e *env, path string, form url.Values, withPre bool, hdr ...string) *http.Response {
	t.Helper()
	if withPre {
		form.Set(csrfField, preValue)
	}
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	r.AddCookie(&http.Cookie{Name: preCookie, Value: preValue})
	w := httptest.NewRecorder()
	e.ui.ServeHTTP(w, r)
	return w.Result()
}

func readCSV(t *testing.T, w *httptest.ResponseRecorder) [][]string {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") {
		t.Fatalf("headers %v", w.Header())
	}
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSubscriberSearchAndPaging(t *testing.T) {
	e := newEnv(t, envOpts{})
	for i := range 120 {
		e.subs.subs = append(e.subs.subs, &sitrep.Subscriber{ID: fmt.Sprintf("bulk-%03d", i), Page: "main", Kind: sitrep.SubscriberEmail,
			Address: fmt.Sprintf("user%03d@example.org", i), Confirmed: true})
	}
	cases := []struct {
		query      string
		caption    string
		prev, next bool
	}{
		{"", "1–50 of 122 subscribers", false, true},
		{"offset=50", "51–100 of 122 subscribers", true, true},
		{"offset=100", "101–122 of 122 subscribers", true, false},
		{"q=example.org&confirmed=yes&kind=email", "1–50 of 120 subscribers", false, true},
		{"q=ann", "1–1 of 1 subscribers", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			w := e.get(t, "/admin/subscribers?"+tc.query, responderEmail)
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, tc.caption) {
				t.Fatalf("%d, want caption %q:\n%s", w.Code, tc.caption, body)
			}
			if strings.Contains(body, ">Previous<") != tc.prev || strings.Contains(body, ">Next<") != tc.next {
				t.Errorf("paging links wrong (prev %v next %v)", tc.prev, tc.next)
			}
		})
	}
	// The links themselves must work: follow Next from a filtered page.
	w := e.get(t, "/admin/subscribers?q=example.org&confirmed=yes&kind=email", responderEmail)
	next := linkBefore(t, w.Body.String(), ">Next<")
	if next != "/admin/subscribers?confirmed=yes&kind=email&offset=50&q=example.org" {
		t.Fatalf("Next links to %q", next)
	}
	if w := e.get(t, next, responderEmail); !strings.Contains(w.Body.String(), "51–100 of 120 subscribers") {
		t.Errorf("following Next: %d\n%s", w.Code, w.Body)
	}
	if export := linkBefore(t, w.Body.String(), ">Export these as CSV<"); export != "/admin/subscribers.csv?confirmed=yes&kind=email&q=example.org" {
		t.Errorf("Export links to %q", export)
	}
	for _, bad := range []string{"kind=fax", "confirmed=maybe", "offset=-1"} {
		if w := e.get(t, "/admin/subscribers?"+bad, responderEmail); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, w.Code)
		}
	}
}

func TestSubscriberExport(t *testing.T) {
	e := newEnv(t, envOpts{})
	for i := range exportBatch + 3 {
		e.subs.subs = append(e.subs.subs, &sitrep.Subscriber{ID: fmt.Sprintf("bulk-%04d", i), Page: "main", Kind: sitrep.SubscriberEmail,
			Address: fmt.Sprintf("u%d@example.org", i), Confirmed: true})
	}
	e.subs.subs[0].Address = "=cmd|' /C calc'!A0"
	rows := readCSV(t, e.get(t, "/admin/subscribers.csv", responderEmail))
	if len(rows) != 1+2+exportBatch+3 {
		t.Fatalf("%d rows", len(rows))
	}
	if !slices.Equal(rows[0], []string{"id", "page", "kind", "address", "components", "confirmed", "created_at", "confirmed_at"}) {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][3] != "'=cmd|' /C calc'!A0" {
		t.Errorf("a formula was not defused: %q", rows[1][3])
	}
	filtered := readCSV(t, e.get(t, "/admin/subscribers.csv?kind=webhook", responderEmail))
	if len(filtered) != 2 || filtered[1][0] != "s-2" {
		t.Errorf("filtered export %v", filtered)
	}
	if !slices.Contains(e.accounts.callLog(), "subscriber.export subscribers") {
		t.Errorf("the export was not audited: %v", e.accounts.callLog())
	}
}

func TestRemoveSubscriberAndRetry(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/subscribers/s-1/remove", responderEmail, nil, true)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/subscribers?done=removed" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Location"))
	}
	if !slices.Equal(e.subs.deletedIDs(), []string{"s-1"}) {
		t.Errorf("deleted %v", e.subs.deletedIDs())
	}
	if w := e.post(t, "/admin/subscribers/nope/remove", responderEmail, nil, true); w.Code != http.StatusNotFound {
		t.Errorf("unknown subscriber: %d", w.Code)
	}
	w = e.post(t, "/admin/deliveries/d-2/retry", responderEmail, nil, true)
	if w.Code != http.StatusSeeOther || !slices.Equal(e.outbox.retriedIDs(), []string{"d-2"}) {
		t.Fatalf("%d %v", w.Code, e.outbox.retriedIDs())
	}
	if body := e.get(t, "/admin/deliveries?done=retried", responderEmail).Body.String(); !strings.Contains(body, "No failed deliveries.") ||
		!strings.Contains(body, "queued again") {
		t.Errorf("after retry:\n%s", body)
	}
	if w := e.post(t, "/admin/deliveries/d-2/retry", responderEmail, nil, true); w.Code != http.StatusNotFound {
		t.Errorf("retrying twice: %d", w.Code)
	}
	want := []string{"subscriber.remove subscriber/s-1", "delivery.retry delivery/d-2"}
	if got := e.accounts.callLog(); !slices.Equal(got, want) {
		t.Errorf("audit %v, want %v", got, want)
	}
}

func TestAuditExport(t *testing.T) {
	e := newEnv(t, envOpts{})
	rows := readCSV(t, e.get(t, "/admin/audit.csv", adminEmail))
	if len(rows) != 3 || rows[1][1] != "token:deploy" || rows[1][4] != `'=HYPERLINK("x")` || rows[2][2] != "user.create" {
		t.Errorf("rows %q", rows)
	}
}

func TestUsersAndTokens(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/users", adminEmail, url.Values{"email": {"new@example.com"}, "name": {"New"}, "role": {"responder"}, "password": {"a long password"}}, true)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create user: %d %s", w.Code, w.Body)
	}
	if body := e.get(t, "/admin/users?done=created", adminEmail).Body.String(); !strings.Contains(body, "new@example.com") || !strings.Contains(body, "The user was created") {
		t.Errorf("new user not listed")
	}
	rejects := []struct {
		form url.Values
		says string
	}{
		{url.Values{"email": {"x@example.com"}, "role": {"owner"}, "password": {"a long password"}}, "role: unknown role &#34;owner&#34;"},
		{url.Values{"email": {"nope"}, "name": {"Kept"}, "role": {"viewer"}, "password": {"a long password"}}, "email: &#34;nope&#34; is not an email address"},
		{url.Values{"email": {viewerEmail}, "role": {"viewer"}, "password": {"a long password"}}, "has an account already"},
	}
	for _, rj := range rejects {
		w := e.post(t, "/admin/users", adminEmail, rj.form, true)
		if w.Code/100 != 4 || !strings.Contains(w.Body.String(), rj.says) {
			t.Errorf("%v: %d, want it to say %q", rj.form, w.Code, rj.says)
		}
	}
	if w := e.post(t, "/admin/users", adminEmail, rejects[1].form, true); !strings.Contains(w.Body.String(), `value="Kept"`) {
		t.Error("a rejected form lost what was typed")
	}
	if w := e.post(t, "/admin/users/u-"+adminEmail+"/disable", adminEmail, nil, true); w.Code != http.StatusConflict {
		t.Errorf("disable self: %d", w.Code)
	}

	w = e.post(t, "/admin/tokens", adminEmail, url.Values{"name": {"ci"}, "role": {"viewer"}, "expires": {"2027-01-31"}}, true)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `value="srt_secret-t2"`) || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create token: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	if body := e.get(t, "/admin/users", adminEmail).Body.String(); strings.Contains(body, "srt_secret") || !strings.Contains(body, ">ci<") {
		t.Error("the token secret is shown again, or the token is not listed")
	}
	if w := e.post(t, "/admin/tokens", adminEmail, url.Values{"name": {"x"}, "role": {"viewer"}, "expires": {"soon"}}, true); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), "expires: &#34;soon&#34; is not a date") {
		t.Errorf("bad expiry: %d", w.Code)
	}
	if w := e.post(t, "/admin/tokens/t2/revoke", adminEmail, nil, true); w.Code != http.StatusSeeOther {
		t.Errorf("revoke: %d", w.Code)
	}
	if w := e.post(t, "/admin/tokens/t2/revoke", adminEmail, nil, true); w.Code != http.StatusNotFound {
		t.Errorf("revoke twice: %d", w.Code)
	}
}

func TestTOTPEnrolment(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/account/totp", viewerEmail, nil, true)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "JBSWY3DPEHPK3PXP") || !strings.Contains(body, "otpauth://totp/sitrep:viewer@example.com?secret=JBSWY3DPEHPK3PXP&amp;issuer=sitrep") {
		t.Fatalf("begin: %d\n%s", w.Code, body)
	}
	w = e.post(t, "/admin/account/totp/confirm", viewerEmail, url.Values{"code": {"000000"}, "secret": {"JBSWY3DPEHPK3PXP"}}, true)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "code: the code does not match") || !strings.Contains(w.Body.String(), "JBSWY3DPEHPK3PXP") {
		t.Fatalf("wrong code: %d\n%s", w.Code, w.Body)
	}
	w = e.post(t, "/admin/account/totp/confirm", viewerEmail, url.Values{"code": {" " + totpCode + " "}}, true)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<code>rc-aaaa-1111</code>") || strings.Contains(w.Body.String(), "JBSWY3DPEHPK3PXP") {
		t.Fatalf("confirm: %d\n%s", w.Code, w.Body)
	}
	if body := e.get(t, "/admin/account", viewerEmail).Body.String(); strings.Contains(body, "rc-aaaa") || !strings.Contains(body, "Set up again") {
		t.Error("recovery codes shown again, or TOTP not shown as on")
	}
	if w := e.post(t, "/admin/account/totp/confirm", viewerEmail, url.Values{"code": {totpCode}}, true); w.Code != http.StatusConflict {
		t.Errorf("confirm without begin: %d", w.Code)
	}
}

func TestChangePassword(t *testing.T) {
	cases := []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"wrong current", url.Values{"current": {"guess"}, "password": {"a new long password"}, "password2": {"a new long password"}}, http.StatusUnauthorized, "current: the current password is wrong"},
		{"differ", url.Values{"current": {testPassword}, "password": {"a new long password"}, "password2": {"another"}}, http.StatusBadRequest, "password2: the two new passwords differ"},
		{"short", url.Values{"current": {testPassword}, "password": {"short"}, "password2": {"short"}}, http.StatusBadRequest, "password: use at least 12"},
		{"ok", url.Values{"current": {testPassword}, "password": {"a new long password"}, "password2": {"a new long password"}}, http.StatusSeeOther, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, "/admin/account/password", adminEmail, tc.form, true)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.says) {
				t.Fatalf("%d, want %d saying %q:\n%s", w.Code, tc.status, tc.says, w.Body)
			}
			if tc.status != http.StatusSeeOther {
				return
			}
			if w.Header().Get("Location") != "/login?changed=1" || sessionFrom(t, w).MaxAge >= 0 {
				t.Errorf("not sent to sign in again: %v", w.Header())
			}
			if _, err := e.accounts.Session(t.Context(), "sess-"+adminEmail); err == nil {
				t.Error("the old session still works")
			}
			// The password check's own (pending) session is ended too.
			e.accounts.mu.Lock()
			n := len(e.accounts.sessions)
			e.accounts.mu.Unlock()
			if n != 0 {
				t.Errorf("%d sessions left", n)
			}
			if w := loginPost(t, e, url.Values{"email": {adminEmail}, "password": {"a new long password"}}, ""); w.Code != http.StatusSeeOther {
				t.Errorf("sign in with the new password: %d", w.Code)
			}
		})
	}
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t, envOpts{})
	known := anonPost(t, e, "/reset", url.Values{"email": {viewerEmail}})
	unknown := anonPost(t, e, "/reset", url.Values{"email": {"nobody@example.com"}})
	kb, ub := readBody(t, known), readBody(t, unknown)
	if known.StatusCode != http.StatusOK || kb != ub || !strings.Contains(kb, "If that address belongs to an account") {
		t.Errorf("the answers differ or are wrong: %d\n%s\n---\n%s", known.StatusCode, kb, ub)
	}
	if got := e.sentResets(); !slices.Equal(got, []string{viewerEmail + " reset-" + viewerEmail}) {
		t.Errorf("sent %v", got)
	}

	r := anonPost(t, e, "/reset/reset-"+viewerEmail, url.Values{"password": {"a fresh long password"}, "password2": {"different"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(readBody(t, r), "the two passwords differ") {
		t.Errorf("differing passwords: %d", r.StatusCode)
	}
	r = anonPost(t, e, "/reset/guessed", url.Values{"password": {"a fresh long password"}, "password2": {"a fresh long password"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(readBody(t, r), "reset link is not valid") {
		t.Errorf("bad token: %d", r.StatusCode)
	}
	r = anonPost(t, e, "/reset/reset-"+viewerEmail, url.Values{"password": {"a fresh long password"}, "password2": {"a fresh long password"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?reset=done" {
		t.Fatalf("reset: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if w := loginPost(t, e, url.Values{"email": {viewerEmail}, "password": {"a fresh long password"}}, ""); w.Code != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", w.Code)
	}
	if body := e.get(t, "/login?reset=done", "").Body.String(); !strings.Contains(body, "Your password is set") {
		t.Error("no notice after reset")
	}
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkDashboard renders the dashboard, which every signed-in tab
// fetches again every few seconds during an outage.
func BenchmarkDashboard(b *testing.B) {
	e := newEnv(b, envOpts{})
	tok, _ := e.accounts.signIn(responderEmail)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
		w := httptest.NewRecorder()
		e.ui.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

func TestBacklogCounts(t *testing.T) {
	cases := []struct {
		name    string
		ds      []sitrep.Delivery
		want    string
		without string
	}{
		{"empty", nil, "<dt>Failed</dt><dd>0</dd>\n<dt>Waiting to be sent</dt><dd>0</dd>\n<dt>Oldest waiting for</dt><dd>—</dd>", "at least"},
		{"capped", func() []sitrep.Delivery {
			out := make([]sitrep.Delivery, backlogScan+5)
			for i := range out {
				out[i] = sitrep.Delivery{ID: fmt.Sprint(i), State: sitrep.DeliveryPending, CreatedAt: testNow.Add(-time.Duration(i) * time.Second)}
			}
			return out
		}(), "<dt>Waiting to be sent</dt><dd>at least 1000</dd>\n<dt>Oldest waiting for</dt><dd>16 min</dd>", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.outbox.ds = tc.ds
			body := e.get(t, "/admin/", viewerEmail).Body.String()
			if !strings.Contains(body, tc.want) || (tc.without != "" && strings.Contains(body, tc.without)) {
				t.Errorf("the dashboard does not show %q:\n%s", tc.want, body)
			}
			// A viewer sees the counts but is not sent to a page it may not open.
			if strings.Contains(body, `href="/admin/deliveries"`) {
				t.Error("the viewer is offered the deliveries page")
			}
		})
	}
}

// linkBefore returns the unescaped href of the last link that starts before
// marker in body.
func linkBefore(t *testing.T, body, marker string) string {
	t.Helper()
	end := strings.Index(body, marker)
	if end < 0 {
		t.Fatalf("no %q in the page", marker)
	}
	start := strings.LastIndex(body[:end], `href="`)
	if start < 0 {
		t.Fatalf("no link before %q", marker)
	}
	href := body[start+len(`href="`):]
	return html.UnescapeString(href[:strings.IndexByte(href, '"')])
}
