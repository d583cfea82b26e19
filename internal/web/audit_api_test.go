package web

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestAuditAPI(t *testing.T) {
	fe := newFullEnv(t)
	// Entries sharing a millisecond must not be lost at a page boundary.
	base := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, off := range []int{0, 1, 1, 1, 2, 3, 3} {
		e := sitrep.AuditEntry{At: base.Add(time.Duration(off) * time.Millisecond), Actor: "ann@example.com",
			Action: "incident.update", Target: fmt.Sprintf("incident/%d", i)}
		if err := fe.auth.Audit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	if rec := fe.as(sitrep.RoleAdmin, "POST", "/api/v1/users/nobody/disable", ""); rec.Code != 404 {
		t.Fatalf("disable = %d", rec.Code)
	}

	rec := fe.as(sitrep.RoleAdmin, "GET", "/api/v1/audit", "")
	all := decodeJSON[auditListJSON](t, rec)
	// Three token.create entries from the test setup, and the seven above.
	if rec.Code != 200 || len(all.Entries) != 10 || all.NextBefore != nil || all.Entries[0].Action != "token.create" ||
		all.Entries[9].Target != "incident/0" {
		t.Fatalf("audit = %d %s", rec.Code, rec.Body)
	}
	var want []string
	for _, e := range all.Entries {
		want = append(want, e.ID)
	}
	for limit := 1; limit <= 4; limit++ {
		t.Run(fmt.Sprintf("pages of %d", limit), func(t *testing.T) {
			var got []string
			before := ""
			for range 20 {
				q := url.Values{"limit": {fmt.Sprint(limit)}}
				if before != "" {
					q.Set("before", before)
				}
				rec := fe.as(sitrep.RoleAdmin, "GET", "/api/v1/audit?"+q.Encode(), "")
				page := decodeJSON[auditListJSON](t, rec)
				for _, e := range page.Entries {
					got = append(got, e.ID)
				}
				if page.NextBefore == nil {
					break
				}
				before = page.NextBefore.Format(time.RFC3339Nano)
			}
			if !slices.Equal(got, want) {
				t.Errorf("paging by %d read %v; want %v", limit, got, want)
			}
		})
	}

	tests := []struct {
		name, path string
		role       sitrep.Role
		status     int
		want       string
	}{
		{"bad before", "/api/v1/audit?before=yesterday", sitrep.RoleAdmin, 400, `before: expected an RFC 3339 time`},
		{"bad limit", "/api/v1/audit?limit=0", sitrep.RoleAdmin, 400, `limit: expected a whole number from 1 to 1000, got \"0\"`},
		{"responder may not", "/api/v1/audit", sitrep.RoleResponder, 403, `(role responder) may not manage audit`},
		{"viewer may not export", "/api/v1/audit.csv", sitrep.RoleViewer, 403, `(role viewer) may not manage audit`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := fe.as(tc.role, "GET", tc.path, "")
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("GET %s = %d %s; want %d with %s", tc.path, rec.Code, rec.Body, tc.status, tc.want)
			}
		})
	}
}

func TestAuditCSV(t *testing.T) {
	fe := newFullEnv(t)
	e := sitrep.AuditEntry{At: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Actor: "=HYPERLINK(\"http://evil\")",
		Action: "@SUM(1)", Target: "+1", Detail: "-2, \"quoted\"", IP: "\t=1"}
	if err := fe.auth.Audit(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	rec := fe.as(sitrep.RoleAdmin, "GET", "/api/v1/audit.csv", "")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="sitrep-audit.csv"`) {
		t.Fatalf("export = %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != "id,at,actor,action,target,detail,ip" {
		t.Fatalf("rows = %q", rows)
	}
	last := rows[4]
	wantRow := []string{"2020-01-02T03:04:05Z", `'=HYPERLINK("http://evil")`, "'@SUM(1)", "'+1", `'-2, "quoted"`, "'\t=1"}
	if !slices.Equal(last[1:], wantRow) {
		t.Errorf("hostile row = %q; want %q", last[1:], wantRow)
	}
}

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"plain", "plain"}, {"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@x", "'@x"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"a=b", "a=b"}, {"'quoted", "'quoted"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := csvCell(tc.in); got != tc.want {
				t.Errorf("csvCell(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}
