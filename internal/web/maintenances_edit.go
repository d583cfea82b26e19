package web

import (
	"net/http"
	"strings"

	"sitrep"
)

// maintenanceEditBody is PATCH /api/v1/maintenances/{id}: a correction of a
// window. Absent (or null) fields stay as they are; "components": [] means
// none and is refused like it is when scheduling; "description": "" clears
// it. A message, if given, is posted to the timeline with the edit and is
// what subscribers read when the edit moves a window that has not started.
type maintenanceEditBody struct {
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Components  *[]string `json:"components"`
	Start       string    `json:"start"`
	End         string    `json:"end"`
	Message     string    `json:"message"`
}

func (a *recordsAPI) editMaintenance(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	in, ok := readInput(a, w, r, p, (*maintenanceEditBody).input)
	if !ok {
		return
	}
	id := r.PathValue("id")
	m, err := a.maintenances.UpdateMaintenance(r.Context(), id, in)
	a.answerMaintenance(w, r, id, m, err)
}

func (b *maintenanceEditBody) input(p *sitrep.Principal) (sitrep.MaintenanceUpdateInput, error) {
	in := sitrep.MaintenanceUpdateInput{Description: b.Description, Message: b.Message, Author: p.Name}
	if b.Title != nil {
		// "" would read as "unchanged" further in; a title sent blank
		// is a mistake to name, not to ignore.
		if err := required("title", *b.Title, `"Replace the Oslo storage controller"`); err != nil {
			return in, err
		}
		in.Title = strings.TrimSpace(*b.Title)
	}
	if b.Components != nil {
		comps := *b.Components
		if len(comps) == 0 {
			return in, sitrep.FieldErrorf(sitrep.EINVALID, "components", `must list at least one component ID, e.g. ["courses-oslo"]; leave it out to keep the current ones`)
		}
		for _, id := range comps {
			if strings.TrimSpace(id) == "" {
				return in, sitrep.FieldErrorf(sitrep.EINVALID, "components", "a component ID is empty")
			}
		}
		in.Components = &comps
	}
	var err error
	if in.Start, err = parseRFC3339("start", b.Start); err != nil {
		return in, err
	}
	if in.End, err = parseRFC3339("end", b.End); err != nil {
		return in, err
	}
	if !in.Edits() {
		return in, sitrep.Errorf(sitrep.EINVALID, "nothing to change; send at least one of title, description, components, start, end")
	}
	return in, nil
}
