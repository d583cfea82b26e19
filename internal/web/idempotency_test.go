package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sitrep"
	"sitrep/internal/sqlstore"
)

const openBody = `{"title":"Courses are down","impact":"major","message":"Looking into it"}`

func TestIdempotencyKey(t *testing.T) {
	withKey := func(key string, hdr ...string) []string { return append([]string{"Idempotency-Key", key}, hdr...) }
	tests := []struct {
		name string
		run  func(t *testing.T, fe *fullEnv, admin []string)
	}{
		{"replays the first answer", func(t *testing.T, fe *fullEnv, admin []string) {
			first := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-1", admin...)...)
			if first.Code != 201 || first.Header().Get("Idempotent-Replayed") != "" {
				t.Fatalf("first = %d %q: %s", first.Code, first.Header().Get("Idempotent-Replayed"), first.Body)
			}
			again := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-1", admin...)...)
			if again.Code != 201 || again.Header().Get("Idempotent-Replayed") != "true" ||
				again.Body.String() != first.Body.String() || again.Header().Get("Location") != first.Header().Get("Location") {
				t.Fatalf("retry = %d %v %s; want the first answer replayed", again.Code, again.Header(), again.Body)
			}
			if n := fe.records.opened(); n != 1 {
				t.Fatalf("%d incidents opened, want 1", n)
			}
		}},
		{"survives a restart", func(t *testing.T, fe *fullEnv, admin []string) {
			first := fe.do("POST", "/api/v1/maintenances",
				`{"title":"DB upgrade","components":["courses-oslo"],"start":"2026-11-22T01:00:00Z","end":"2026-11-22T03:00:00Z"}`,
				"", withKey("m-1", admin...)...)
			if first.Code != 201 {
				t.Fatalf("first = %d: %s", first.Code, first.Body)
			}
			// A new server over the same database, as after a restart.
			fe.srv = fe.newServer(fe.options)
			again := fe.do("POST", "/api/v1/maintenances",
				`{"title":"DB upgrade","components":["courses-oslo"],"start":"2026-11-22T01:00:00Z","end":"2026-11-22T03:00:00Z"}`,
				"", withKey("m-1", admin...)...)
			if again.Code != 201 || again.Header().Get("Idempotent-Replayed") != "true" || again.Body.String() != first.Body.String() {
				t.Fatalf("retry after restart = %d: %s", again.Code, again.Body)
			}
		}},
		{"another body is refused", func(t *testing.T, fe *fullEnv, admin []string) {
			fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-2", admin...)...)
			rec := fe.do("POST", "/api/v1/incidents", strings.Replace(openBody, "major", "minor", 1), "", withKey("k-2", admin...)...)
			wantError(t, rec, 422, "idempotency_key_reused", "Idempotency-Key", "different request")
		}},
		{"another caller's key is another request", func(t *testing.T, fe *fullEnv, admin []string) {
			fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-3", admin...)...)
			rec := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-3", "Authorization", "Bearer "+fe.tokens[sitrep.RoleResponder])...)
			if rec.Code != 201 || rec.Header().Get("Idempotent-Replayed") != "" {
				t.Fatalf("= %d %v", rec.Code, rec.Header())
			}
		}},
		{"a failure releases the key", func(t *testing.T, fe *fullEnv, admin []string) {
			bad := fe.do("POST", "/api/v1/incidents", `{"impact":"major"}`, "", withKey("k-4", admin...)...)
			if bad.Code != 400 {
				t.Fatalf("bad = %d: %s", bad.Code, bad.Body)
			}
			unauth := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-4", "Authorization", "Bearer nope")...)
			if unauth.Code != 401 {
				t.Fatalf("unauthenticated = %d", unauth.Code)
			}
			good := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-4", admin...)...)
			if good.Code != 201 || good.Header().Get("Idempotent-Replayed") != "" {
				t.Fatalf("good after failure = %d %v: %s", good.Code, good.Header(), good.Body)
			}
		}},
		{"a request still running gets 409", func(t *testing.T, fe *fullEnv, admin []string) {
			held, err := fe.store.ReserveIdempotencyKey(t.Context(), sitrep.IdempotencyRecord{Scope: idempotencyScope(authed(fe.tokens[sitrep.RoleAdmin])),
				Key: "k-5", RequestHash: requestHash(httpPost("/api/v1/incidents"), []byte(openBody)), CreatedAt: testTime()},
				testTime().Add(-sitrep.IdempotencyTTL), testTime().Add(-idempotencyStaleAfter))
			if err != nil || held != nil {
				t.Fatal(held, err)
			}
			rec := fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-5", admin...)...)
			wantError(t, rec, 409, sitrep.ECONFLICT, "Idempotency-Key", "still being processed")
			if rec.Header().Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
		}},
		{"concurrent duplicates create once", func(t *testing.T, fe *fullEnv, admin []string) {
			var wg sync.WaitGroup
			codes := make([]int, 10)
			for i := range codes {
				wg.Go(func() {
					codes[i] = fe.do("POST", "/api/v1/incidents", openBody, "", withKey("k-6", admin...)...).Code
				})
			}
			wg.Wait()
			for _, c := range codes {
				if c != 201 && c != 409 {
					t.Errorf("codes %v; want only 201 and 409", codes)
				}
			}
			if n := fe.records.opened(); n != 1 {
				t.Fatalf("%d incidents opened by %d duplicates, want 1", n, len(codes))
			}
		}},
		{"public subscribe is keyed too", func(t *testing.T, fe *fullEnv, admin []string) {
			body := `{"page":"main","webhook":"https://hooks.example.com/x"}`
			first := fe.do("POST", "/api/v1/subscribers", body, "203.0.113.9:1000", "Idempotency-Key", "s-1")
			again := fe.do("POST", "/api/v1/subscribers", body, "203.0.113.9:1000", "Idempotency-Key", "s-1")
			if first.Code/100 != 2 || again.Code != first.Code || again.Body.String() != first.Body.String() ||
				again.Header().Get("Idempotent-Replayed") != "true" {
				t.Fatalf("first %d %s; again %d %s", first.Code, first.Body, again.Code, again.Body)
			}
		}},
		{"bad keys are refused", func(t *testing.T, fe *fullEnv, admin []string) {
			for _, key := range []string{"has space", strings.Repeat("x", 256), "tab\there"} {
				rec := fe.do("POST", "/api/v1/incidents", openBody, "", withKey(key, admin...)...)
				wantError(t, rec, 400, sitrep.EINVALID, "Idempotency-Key", "printable ASCII")
			}
		}},
		{"without a key nothing changes", func(t *testing.T, fe *fullEnv, admin []string) {
			for range 2 {
				if rec := fe.do("POST", "/api/v1/incidents", openBody, "", admin...); rec.Code != 201 {
					t.Fatalf("= %d", rec.Code)
				}
			}
			if n := fe.records.opened(); n != 2 {
				t.Fatalf("%d opened, want 2", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := newFullEnv(t)
			tt.run(t, fe, []string{"Authorization", "Bearer " + fe.tokens[sitrep.RoleAdmin]})
		})
	}
}

func (f *fakeRecords) opened() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.next
}

func authed(token string) *http.Request {
	r := httpPost("/")
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

func httpPost(path string) *http.Request {
	r, _ := http.NewRequest("POST", path, nil)
	return r
}

// wantError checks an API error answer's status, code, field and message.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code, field, inMessage string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != status || e.Error.Code != code ||
		e.Error.Field != field || !strings.Contains(e.Error.Message, inMessage) {
		t.Errorf("= %d %s; want %d %s field %s message with %q", rec.Code, rec.Body, status, code, field, inMessage)
	}
}

// BenchmarkIdempotentReplay measures a create retried with a key whose
// answer is in SQLite: the cost a client's retry storm puts on the server.
func BenchmarkIdempotentReplay(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  func(i int) string
	}{
		{"replay", func(int) string { return "same" }},
		{"first", func(i int) string { return fmt.Sprintf("k-%d", i) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			st, err := sqlstore.Open(b.Context(), sqlstore.Options{Path: filepath.Join(b.TempDir(), "s.db")})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			e := newEnv(b)
			e.srv = e.newServer(func(o *Options) {
				recs := newFakeRecords()
				o.Incidents, o.Maintenances, o.Idempotency = recs, recs, st
				o.Auth = fakeAuth{"tok": {Name: "ada", Role: sitrep.RoleAdmin}}
			})
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				res := e.do(b, "POST", "/api/v1/incidents", strings.NewReader(openBody),
					"Authorization", "Bearer tok", "Idempotency-Key", tc.key(i))
				if res.StatusCode != 201 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
