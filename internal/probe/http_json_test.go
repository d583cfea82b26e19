package probe

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep"
)

func TestHTTPJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			io.WriteString(w, `{"db": "up", "queue": {"depth": 250}, "services": [{"status": "up"}, {"status": "down"}]}`)
		case "/big":
			io.WriteString(w, `{"pad": "`+strings.Repeat("x", 2048)+`"}`)
		default:
			io.WriteString(w, "<html>not json</html>")
		}
	}))
	t.Cleanup(srv.Close)

	cond := func(t *testing.T, path string, value any) sitrep.JSONCondition {
		c, err := sitrep.ParseJSONCondition(path, value)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name   string
		url    string
		conds  [][2]any
		max    int64
		status sitrep.ResultStatus
		frags  []string
	}{
		{"holds", "/health", [][2]any{{"$.db", "up"}, {"$.queue.depth", "< 1000"}}, 0, sitrep.ResultUp, nil},
		{"value differs", "/health", [][2]any{{"$.db", "down"}}, 0, sitrep.ResultDown, []string{`$.db is "up", expected "down"`}},
		{"comparison fails", "/health", [][2]any{{"$.db", "up"}, {"$.queue.depth", "< 100"}}, 0, sitrep.ResultDown, []string{"$.queue.depth"}},
		{"wildcard", "/health", [][2]any{{"$.services[*].status", "up"}}, 0, sitrep.ResultDown, []string{"$.services[1].status"}},
		{"not json", "/page", [][2]any{{"$.db", "up"}}, 0, sitrep.ResultDown, []string{"body is not valid JSON"}},
		{"truncated json", "/big", [][2]any{{"$.pad", "exists"}}, 1024, sitrep.ResultDown, []string{"cut at 1 KiB"}},
	}
	p := newTestProber(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := httpMonitor(srv.URL+tc.url, func(h *sitrep.HTTPCheck) {
				h.MaxBody = tc.max
				for _, c := range tc.conds {
					h.Expect.JSON = append(h.Expect.JSON, cond(t, c[0].(string), c[1]))
				}
			})
			want(t, probe(t, p, m), tc.status, tc.frags...)
		})
	}
}
