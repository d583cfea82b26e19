package admin

import (
	"context"
	"net/http"
	"strings"
	"time"

	"sitrep"
)

// componentRef is a component as the forms list it.
type componentRef struct {
	ID, Name, Group string
}

// componentList returns the components people can choose in forms.
func (u *UI) componentList(ctx context.Context) []componentRef {
	var out []componentRef
	if u.components != nil {
		for _, c := range u.components() {
			out = append(out, componentRef{ID: c.ID, Name: c.Name, Group: c.Group})
		}
		return out
	}
	if u.pages == nil {
		return nil
	}
	snap, err := u.pages.PageFor(ctx, "", "")
	if err != nil {
		if sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
			u.logger.ErrorContext(ctx, "list components", "err", err)
		}
		return nil
	}
	for _, g := range snap.Groups {
		for _, c := range g.Components {
			out = append(out, componentRef{ID: c.ID, Name: c.Name, Group: g.Name})
		}
	}
	return out
}

// componentName maps IDs to display names, falling back to the ID.
func componentNames(refs []componentRef) func(string) string {
	m := make(map[string]string, len(refs))
	for _, c := range refs {
		m[c.ID] = c.Name
	}
	return func(id string) string {
		if n := m[id]; n != "" {
			return n
		}
		return id
	}
}

// componentStatuses reads the "component.ID" select fields: a status for
// each affected component; "" (not affected) is left out.
func componentStatuses(r *http.Request, refs []componentRef) (map[string]sitrep.ComponentStatus, error) {
	out := map[string]sitrep.ComponentStatus{}
	for _, c := range refs {
		v := r.PostFormValue("component." + c.ID)
		if v == "" {
			continue
		}
		st, err := sitrep.ParseComponentStatus("component."+c.ID, v)
		if err != nil {
			return nil, err
		}
		out[c.ID] = st
	}
	return out, nil
}

// parseLocal reads a datetime-local field in the UI's time zone; "" is zero.
func (u *UI) parseLocal(r *http.Request, field string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, u.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, sitrep.FieldErrorf(sitrep.EINVALID, field, "%q is not a date and time; use YYYY-MM-DDTHH:MM", v)
}
