package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

type auditEntryJSON struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail,omitempty"`
	IP     string    `json:"ip,omitempty"`
}

// auditListJSON pages by time: pass next_before back as before= until it
// is null.
type auditListJSON struct {
	Entries    []auditEntryJSON `json:"entries"`
	NextBefore *time.Time       `json:"next_before"`
}

// auditExportMax bounds one CSV export; the log grows by people's actions,
// so this is years of a busy team.
const auditExportMax = 1_000_000

func (a *adminAPI) auditLog(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q := r.URL.Query()
	limit, err := auditLimit(q.Get("limit"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var before time.Time
	if s := q.Get("before"); s != "" {
		if before, err = time.Parse(time.RFC3339Nano, s); err != nil {
			a.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "before", "expected an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q", s))
			return
		}
	}
	entries, next, err := a.auditPage(r.Context(), before, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := auditListJSON{Entries: make([]auditEntryJSON, len(entries)), NextBefore: next}
	for i, e := range entries {
		out.Entries[i] = auditEntryJSON(e)
	}
	a.s.writeJSON(w, r, http.StatusOK, out)
}

func auditLimit(s string) (int, error) {
	if s == "" {
		return defaultAdminLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxAdminLimit {
		return 0, sitrep.FieldErrorf(sitrep.EINVALID, "limit", "expected a whole number from 1 to %d, got %q", maxAdminLimit, s)
	}
	return n, nil
}

// auditPage reads one page newest first and the before= of the next, nil
// at the end. The store pages by "at < before" in milliseconds, so a page
// must not end in the middle of entries sharing a millisecond: those are
// moved to the next page, whose before= is one millisecond later.
func (a *adminAPI) auditPage(ctx context.Context, before time.Time, limit int) ([]sitrep.AuditEntry, *time.Time, error) {
	entries, err := a.accounts.AuditLog(ctx, before, limit+1)
	if err != nil {
		return nil, nil, err
	}
	if len(entries) <= limit {
		return entries, nil, nil
	}
	last := entries[limit-1].At
	if !entries[limit].At.Equal(last) {
		next := last
		return entries[:limit], &next, nil
	}
	cut := limit - 1
	for cut >= 0 && entries[cut].At.Equal(last) {
		cut--
	}
	if cut >= 0 {
		next := last.Add(time.Millisecond)
		return entries[:cut+1], &next, nil
	}
	// The whole page is one millisecond: read that millisecond whole.
	group, err := a.accounts.AuditLog(ctx, last.Add(time.Millisecond), auditExportMax)
	if err != nil {
		return nil, nil, err
	}
	n := 0
	for n < len(group) && group[n].At.Equal(last) {
		n++
	}
	if n == len(group) {
		return group, nil, nil
	}
	next := last
	return group[:n], &next, nil
}

// auditCSV exports the whole log, newest first.
func (a *adminAPI) auditCSV(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	const batch = 1000
	var all []sitrep.AuditEntry
	var before time.Time
	for len(all) < auditExportMax {
		page, next, err := a.auditPage(r.Context(), before, batch)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		all = append(all, page...)
		if next == nil {
			break
		}
		before = *next
	}
	rows := make([][]string, 0, len(all)+1)
	rows = append(rows, []string{"id", "at", "actor", "action", "target", "detail", "ip"})
	for _, e := range all {
		rows = append(rows, []string{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Target, e.Detail, e.IP})
	}
	a.writeCSV(w, r, "sitrep-audit.csv", rows)
}

// writeCSV answers rows as a CSV download. Buffering first means an error
// half-way is still a clean JSON error, not a truncated file.
func (a *adminAPI) writeCSV(w http.ResponseWriter, r *http.Request, filename string, rows [][]string) {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		cw.Write(row) //nolint:errcheck // a strings.Builder does not fail; Flush reports the rest
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	a.s.writeBody(w, r, http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
}

// csvCell defuses formula injection: a spreadsheet runs a cell that starts
// with = + - @ (or a tab or CR before one) as a formula, and the log holds
// text users typed. A leading ' makes it plain text (OWASP's advice).
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
