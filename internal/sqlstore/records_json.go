package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// Lists only ever read with their parent row are kept as JSON text; the
// field names are part of the schema, so they are spelled out here rather
// than taken from the domain types.

type componentJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type timelineJSON struct {
	AtMS int64  `json:"at_ms"`
	Text string `json:"text"`
}

type actionJSON struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	DueMS int64  `json:"due_ms"`
	Done  bool   `json:"done"`
}

func encodeComponents(cs []sitrep.AffectedComponent) (string, error) {
	out := make([]componentJSON, len(cs))
	for i, c := range cs {
		out[i] = componentJSON{ID: c.ComponentID, Status: string(c.Status)}
	}
	return encodeJSON(out)
}

func decodeComponents(s string) ([]sitrep.AffectedComponent, error) {
	if s == "[]" {
		return nil, nil // most updates change no component
	}
	var in []componentJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode components: %w", err)
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]sitrep.AffectedComponent, len(in))
	for i, c := range in {
		out[i] = sitrep.AffectedComponent{ComponentID: c.ID, Status: sitrep.ComponentStatus(c.Status)}
	}
	return out, nil
}

func encodePostmortemLists(pm *sitrep.Postmortem) (timeline, items string, err error) {
	tl := make([]timelineJSON, len(pm.Timeline))
	for i, e := range pm.Timeline {
		tl[i] = timelineJSON{AtMS: toMS(e.At), Text: e.Text}
	}
	ai := make([]actionJSON, len(pm.ActionItems))
	for i, a := range pm.ActionItems {
		ai[i] = actionJSON{Title: a.Title, Owner: a.Owner, DueMS: toMS(a.Due), Done: a.Done}
	}
	if timeline, err = encodeJSON(tl); err != nil {
		return "", "", err
	}
	items, err = encodeJSON(ai)
	return timeline, items, err
}

func decodePostmortemLists(pm *sitrep.Postmortem, timeline, items string) error {
	var tl []timelineJSON
	if err := json.Unmarshal([]byte(timeline), &tl); err != nil {
		return fmt.Errorf("decode timeline: %w", err)
	}
	var ai []actionJSON
	if err := json.Unmarshal([]byte(items), &ai); err != nil {
		return fmt.Errorf("decode action items: %w", err)
	}
	for _, e := range tl {
		pm.Timeline = append(pm.Timeline, sitrep.TimelineEntry{At: fromMS(e.AtMS), Text: e.Text})
	}
	for _, a := range ai {
		pm.ActionItems = append(pm.ActionItems, sitrep.ActionItem{Title: a.Title, Owner: a.Owner, Due: fromMS(a.DueMS), Done: a.Done})
	}
	return nil
}

// encodeDurations keeps durations as milliseconds.
func encodeDurations(ds []time.Duration) (string, error) {
	ms := make([]int64, len(ds))
	for i, d := range ds {
		ms[i] = d.Milliseconds()
	}
	return encodeJSON(ms)
}

func decodeDurations(s string) ([]time.Duration, error) {
	var ms []int64
	if err := json.Unmarshal([]byte(s), &ms); err != nil {
		return nil, fmt.Errorf("decode durations: %w", err)
	}
	var out []time.Duration
	for _, m := range ms {
		out = append(out, time.Duration(m)*time.Millisecond)
	}
	return out, nil
}

// encodeWeekdays writes "0,3" for Sunday and Wednesday.
func encodeWeekdays(ds []time.Weekday) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(int(d))
	}
	return strings.Join(parts, ",")
}

func decodeWeekdays(s string) ([]time.Weekday, error) {
	if s == "" {
		return nil, nil
	}
	var out []time.Weekday
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 6 {
			return nil, fmt.Errorf("decode weekdays %q: %q is not a weekday number", s, p)
		}
		out = append(out, time.Weekday(n))
	}
	return out, nil
}

func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}
