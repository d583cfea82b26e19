package admin

import (
	"net/http"
	"net/url"
	"time"

	"sitrep"
)

const auditPerPage = 100

type auditData struct {
	Entries []sitrep.AuditEntry
	// Older is the query string of the next page, "" at the end.
	Older string
}

// auditBefore reads the page cursor: entries older than this time.
func auditBefore(q url.Values) (time.Time, error) {
	v := q.Get("before")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, sitrep.FieldErrorf(sitrep.EINVALID, "before", "%q is not an RFC 3339 time", v)
	}
	return t, nil
}

func (u *UI) handleAudit(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	before, err := auditBefore(r.URL.Query())
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	var d auditData
	if d.Entries, err = u.accounts.AuditLog(r.Context(), before, auditPerPage); err != nil {
		u.fail(w, r, s, err)
		return
	}
	// Paging by time can skip entries that share the last one's instant;
	// the CSV export has them all.
	if n := len(d.Entries); n == auditPerPage {
		d.Older = url.Values{"before": {d.Entries[n-1].At.UTC().Format(time.RFC3339Nano)}}.Encode()
	}
	u.render(w, r, http.StatusOK, "audit", u.newView(s, "Audit log", "audit", d))
}

// handleAuditCSV exports the whole log, newest first, in batches.
func (u *UI) handleAuditCSV(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	ctx := r.Context()
	batch, err := u.accounts.AuditLog(ctx, time.Time{}, exportBatch)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	u.audit(r, s, "audit.export", "audit", "")
	c := newCSV(w, "audit-"+u.now().UTC().Format("20060102")+".csv", "at", "actor", "action", "target", "detail", "ip")
	seen := map[string]bool{}
	for len(batch) > 0 {
		var fresh int
		for _, e := range batch {
			// Batches are cut at a time, and the next one starts at the
			// last entry's time, so entries at that instant come twice.
			if e.ID != "" && seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			fresh++
			c.row(csvTime(e.At), e.Actor, e.Action, e.Target, e.Detail, e.IP)
		}
		if len(batch) < exportBatch || fresh == 0 {
			break
		}
		if batch, err = u.accounts.AuditLog(ctx, batch[len(batch)-1].At.Add(time.Nanosecond), exportBatch); err != nil {
			u.logger.ErrorContext(ctx, "export audit log", "err", err)
			break
		}
	}
	if err := c.flush(); err != nil {
		u.logger.DebugContext(ctx, "write export", "err", err)
	}
}
