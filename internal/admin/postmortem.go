package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
)

// actionRow is one action item's row in the editor; blank rows let a person
// add items without JavaScript.
type actionRow struct {
	Title string
	Owner string
	Due   string
	Done  bool
}

const blankActionRows = 3

type postmortemForm struct {
	Incident  *sitrep.Incident
	Summary   string
	RootCause string
	Impact    string
	Timeline  string // one entry a line: "YYYY-MM-DD HH:MM text"
	Actions   []actionRow
	Published bool
	Preview   bool
	Entries   []sitrep.TimelineEntry // the parsed timeline, for the preview
}

func (u *UI) handlePostmortemForm(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	inc, err := u.incidents.Incident(r.Context(), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	f := postmortemForm{Incident: inc}
	if pm := inc.Postmortem; pm != nil {
		f.Summary, f.RootCause, f.Impact, f.Published = pm.Summary, pm.RootCause, pm.Impact, pm.Published
		var tl []string
		for _, e := range pm.Timeline {
			tl = append(tl, e.At.In(u.loc).Format("2006-01-02 15:04")+" "+e.Text)
		}
		f.Timeline = strings.Join(tl, "\n")
		for _, a := range pm.ActionItems {
			row := actionRow{Title: a.Title, Owner: a.Owner, Done: a.Done}
			if !a.Due.IsZero() {
				row.Due = a.Due.In(u.loc).Format("2006-01-02")
			}
			f.Actions = append(f.Actions, row)
		}
	}
	for range blankActionRows {
		f.Actions = append(f.Actions, actionRow{})
	}
	u.render(w, r, http.StatusOK, "postmortem", u.newView(s, "Postmortem: "+inc.Title, "incidents", f))
}

func (u *UI) handlePostmortem(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
	id := r.PathValue("id")
	inc, err := u.incidents.Incident(r.Context(), id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	f := postmortemForm{Incident: inc, Summary: r.PostFormValue("summary"), RootCause: r.PostFormValue("root_cause"),
		Impact: r.PostFormValue("impact"), Timeline: r.PostFormValue("timeline"), Published: r.PostFormValue("published") != ""}
	pm, err := u.readPostmortem(r, &f)
	if err == nil && r.PostFormValue("action") == "preview" {
		f.Preview, f.Entries = true, pm.Timeline
		for range blankActionRows {
			f.Actions = append(f.Actions, actionRow{})
		}
		u.render(w, r, http.StatusOK, "postmortem", u.newView(s, "Postmortem: "+inc.Title, "incidents", f))
		return
	}
	if err == nil {
		pm.Author = s.Principal.Name
		_, err = u.incidents.SetPostmortem(r.Context(), id, pm)
	}
	if err != nil {
		for range blankActionRows {
			f.Actions = append(f.Actions, actionRow{})
		}
		u.formFailed(w, r, s, "postmortem", "Postmortem: "+inc.Title, "incidents", f, err)
		return
	}
	http.Redirect(w, r, "/admin/incidents/"+url.PathEscape(id), http.StatusSeeOther)
}

// readPostmortem parses the editor; f keeps what was typed for showing the
// form again. Action item rows arrive as parallel fields
// action.title/owner/due and a done checkbox named by row index.
func (u *UI) readPostmortem(r *http.Request, f *postmortemForm) (sitrep.Postmortem, error) {
	pm := sitrep.Postmortem{Summary: f.Summary, RootCause: f.RootCause, Impact: f.Impact, Published: f.Published}
	var firstErr error
	for i, line := range strings.Split(strings.ReplaceAll(f.Timeline, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		e, err := u.timelineEntry(line)
		if err != nil && firstErr == nil {
			firstErr = sitrep.FieldErrorf(sitrep.EINVALID, "timeline", "line %d: %s", i+1, err)
		}
		pm.Timeline = append(pm.Timeline, e)
	}
	if err := r.ParseForm(); err != nil {
		return pm, sitrep.Errorf(sitrep.EINVALID, "read the form: %v", err)
	}
	titles, owners, dues := r.PostForm["action.title"], r.PostForm["action.owner"], r.PostForm["action.due"]
	for i, title := range titles {
		row := actionRow{Title: strings.TrimSpace(title), Done: r.PostFormValue(fmt.Sprintf("action.done.%d", i)) != ""}
		if i < len(owners) {
			row.Owner = strings.TrimSpace(owners[i])
		}
		if i < len(dues) {
			row.Due = strings.TrimSpace(dues[i])
		}
		if row.Title == "" && row.Owner == "" && row.Due == "" {
			continue
		}
		f.Actions = append(f.Actions, row)
		item := sitrep.ActionItem{Title: row.Title, Owner: row.Owner, Done: row.Done}
		if row.Title == "" && firstErr == nil {
			firstErr = sitrep.FieldErrorf(sitrep.EINVALID, "action.title", "action item %d needs a title", i+1)
		}
		if row.Due != "" {
			due, err := time.ParseInLocation("2006-01-02", row.Due, u.loc)
			if err != nil && firstErr == nil {
				firstErr = sitrep.FieldErrorf(sitrep.EINVALID, "action.due", "action item %d: %q is not a date; use YYYY-MM-DD", i+1, row.Due)
			}
			item.Due = due
		}
		pm.ActionItems = append(pm.ActionItems, item)
	}
	return pm, firstErr
}

// timelineEntry reads "YYYY-MM-DD HH:MM text" in the UI's time zone.
func (u *UI) timelineEntry(line string) (sitrep.TimelineEntry, error) {
	const layout = "2006-01-02 15:04"
	if len(line) < len(layout) {
		return sitrep.TimelineEntry{Text: line}, fmt.Errorf("start with the time as YYYY-MM-DD HH:MM, then the text")
	}
	at, err := time.ParseInLocation(layout, line[:len(layout)], u.loc)
	if err != nil {
		return sitrep.TimelineEntry{Text: line}, fmt.Errorf("start with the time as YYYY-MM-DD HH:MM, then the text")
	}
	return sitrep.TimelineEntry{At: at, Text: strings.TrimSpace(line[len(layout):])}, nil
}
