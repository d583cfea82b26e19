package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"sitrep"
)

func TestCursor(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{encodeCursor(0), 0, false},
		{encodeCursor(1234), 1234, false},
		{"-1", 0, true},
		{"zz!", 0, true},
		{"+7", 0, true},
		{"007", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := decodeCursor(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("decodeCursor(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && sitrep.ErrorCode(err) != sitrep.EINVALID {
				t.Fatalf("error code %s", sitrep.ErrorCode(err))
			}
		})
	}
}

// TestPagedListsAgree checks every paged list (from apiRoutes) takes limit
// and cursor the same way: bad values are refused naming the parameter,
// and the answer always has next_cursor.
func TestPagedListsAgree(t *testing.T) {
	fe := newFullEnv(t)
	// Admin may read every list, the admin-only ones included.
	auth := []string{"Authorization", "Bearer " + fe.tokens[sitrep.RoleAdmin]}
	for _, rt := range apiRoutes() {
		if !rt.Paged {
			continue
		}
		t.Run(rt.Path, func(t *testing.T) {
			for _, bad := range []struct{ query, field, msg string }{
				{"limit=0", "limit", "whole number from 1"},
				{"limit=x", "limit", "whole number from 1"},
				{"limit=100000", "limit", "whole number from 1"},
				{"cursor=%21%21", "cursor", "pass the next_cursor"},
			} {
				wantError(t, fe.do("GET", rt.Path+"?"+bad.query, "", "", auth...), 400, sitrep.EINVALID, bad.field, bad.msg)
			}
			rec := fe.do("GET", rt.Path+"?limit=1", "", "", auth...)
			var out map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
				t.Fatalf("= %d %s", rec.Code, rec.Body)
			}
			if _, ok := out["next_cursor"]; !ok {
				t.Fatalf("no next_cursor in %s", rec.Body)
			}
		})
	}
}

// TestPagingWalks follows next_cursor through the lists that have
// several items in the fakes and gets every item once.
func TestPagingWalks(t *testing.T) {
	re, _ := newOutboxEnv(t)
	tests := []struct {
		path, list string
		want       []string
	}{
		{"/api/v1/deliveries", "deliveries", []string{"d3", "d2", "d1"}},
		{"/api/v1/incidents", "incidents", []string{"inc-1", "inc-0"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var got []string
			target := tt.path + "?limit=1"
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				status, body, _ := re.call(t, "GET", target, "")
				if status != 200 {
					t.Fatalf("GET %s = %d %s", target, status, body)
				}
				var out map[string]json.RawMessage
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatal(err)
				}
				var items []struct{ ID string }
				var next *string
				if err := json.Unmarshal(out[tt.list], &items); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(out["next_cursor"], &next); err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					got = append(got, it.ID)
				}
				if next == nil {
					break
				}
				target = fmt.Sprintf("%s?limit=1&cursor=%s", tt.path, *next)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("walked %v, want %v", got, tt.want)
			}
		})
	}
}
