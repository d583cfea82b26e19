package statusengine

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestVersionMovesOnlyOnChange(t *testing.T) {
	e := newEnv(t)
	ch, cancel := e.eng.Subscribe("main")
	defer cancel()
	v0 := e.page("", "").Version
	if v0 == 0 {
		t.Fatal("no snapshot after Start")
	}
	e.at(10 * time.Second)
	e.at(20 * time.Second)
	if v := e.page("", "").Version; v != v0 {
		t.Fatalf("version %d → %d without a change", v0, v)
	}
	select {
	case v := <-ch:
		t.Fatalf("subscriber told of version %d without a change", v)
	default:
	}
	e.mons.set("ws-oslo", sitrep.StateDegraded, e.clock.Now())
	e.at(30 * time.Second)
	v1 := e.page("", "").Version
	if v1 <= v0 {
		t.Fatalf("version %d after a change, was %d", v1, v0)
	}
	if got := <-ch; got != v1 {
		t.Errorf("subscriber got %d, want %d", got, v1)
	}
	// The US page does not show Oslo: it keeps its version.
	if us := e.page("status.us.example", ""); us.Version != e.pageVersionAtStart("us") {
		t.Errorf("US page version moved on an Oslo change")
	}
	// A slow subscriber gets only the latest version.
	e.mons.set("ws-oslo", sitrep.StateUp, e.clock.Now())
	e.at(40 * time.Second)
	e.mons.set("ws-oslo", sitrep.StateDown, e.clock.Now())
	e.at(50 * time.Second)
	if got, want := <-ch, e.page("", "").Version; got != want {
		t.Errorf("slow subscriber got %d, want the latest %d", got, want)
	}
}

// pageVersionAtStart is the version the page got from the first build,
// i.e. the base, since t0 has not moved for it.
func (e *env) pageVersionAtStart(slug string) uint64 { return uint64(t0.UnixMilli()) }

func TestLoopFollowsClockAndPoke(t *testing.T) {
	e := newEnv(t)
	ch, cancel := e.eng.Subscribe("")
	defer cancel()
	// advanceUntil moves time in small steps until a new version comes,
	// so it does not matter when the loop goroutine gets to run.
	advanceUntil := func(what string, step time.Duration) {
		t.Helper()
		guard := time.After(10 * time.Second) // against a hang, not a schedule
		for {
			select {
			case <-ch:
				return
			case <-guard:
				t.Fatalf("no new version after %s", what)
			default:
				e.clock.Advance(step)
				runtime.Gosched()
			}
		}
	}
	// A second after the last evaluation a poke acts at once: the
	// version comes without the clock moving.
	e.clock.Advance(pokeGap)
	e.mons.set("ws-oslo", sitrep.StateDown, e.clock.Now())
	e.eng.Poke()
	select {
	case <-ch:
	case <-time.After(10 * time.Second): // against a hang, not a schedule
		t.Fatal("no new version after a poke")
	}
	if c := component(e.page("", ""), "messaging-oslo"); c.Status != sitrep.StatusMajorOutage {
		t.Fatalf("after poke: %s", c.Status)
	}
	e.mons.set("ws-oslo", sitrep.StateUp, e.clock.Now())
	advanceUntil("a tick", 100*time.Millisecond)
	if c := component(e.page("", ""), "messaging-oslo"); c.Status != sitrep.StatusOperational {
		t.Fatalf("after tick: %s", c.Status)
	}
}

func TestInternalUpdatesNeverReachSnapshots(t *testing.T) {
	e := newEnv(t)
	e.at(0)
	inc, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{
		Title: "Slow video", Message: "Video is slow to start.", Components: map[string]sitrep.ComponentStatus{"messaging-oslo": sitrep.StatusDegraded},
		Author: "kari",
	})
	if err != nil {
		t.Fatal(err)
	}
	v := e.page("", "").Version
	e.clock.Advance(time.Minute)
	if _, err := e.eng.UpdateIncident(e.ctx, inc.ID, sitrep.IncidentUpdateInput{Message: "SECRET: the vendor's CDN key leaked", Internal: true, Author: "kari"}); err != nil {
		t.Fatal(err)
	}
	p := e.page("", "")
	if s := snapshotJSON(t, p); strings.Contains(s, "SECRET") {
		t.Fatalf("internal update in snapshot")
	}
	if p.Version != v {
		t.Errorf("internal update moved the version %d → %d", v, p.Version)
	}
	if _, err := e.eng.ResolveIncident(e.ctx, inc.ID, sitrep.IncidentUpdateInput{Message: "Fast again.", Author: "kari"}); err != nil {
		t.Fatal(err)
	}
	pm := sitrep.Postmortem{Summary: "CDN misrouted video.", RootCause: "PRIVATE root cause",
		ActionItems: []sitrep.ActionItem{{Title: "Pin the CDN", Owner: "OWNER-ola", Due: t0.AddDate(0, 0, 7)}}}
	if _, err := e.eng.SetPostmortem(e.ctx, inc.ID, pm); err != nil {
		t.Fatal(err)
	}
	if s := snapshotJSON(t, e.page("", "")); strings.Contains(s, "PRIVATE") {
		t.Fatalf("unpublished postmortem in snapshot")
	}
	pm.Published = true
	if _, err := e.eng.SetPostmortem(e.ctx, inc.ID, pm); err != nil {
		t.Fatal(err)
	}
	p = e.page("", "")
	s := snapshotJSON(t, p)
	if !strings.Contains(s, "PRIVATE root cause") {
		t.Errorf("published postmortem missing")
	}
	for _, private := range []string{"OWNER-ola", "kari"} {
		if strings.Contains(s, private) {
			t.Errorf("%q in snapshot", private)
		}
	}
	if p.Incidents[inc.ID].Postmortem == nil {
		t.Errorf("incident page has no postmortem")
	}
}

func TestPageFor(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, host, slug, want string
	}{
		{"default page", "status.example.com", "", "main"},
		{"custom domain", "status.us.example", "", "us"},
		{"custom domain with port, any case", "Status.US.example:8443", "", "us"},
		{"custom domain wins over slug", "status.us.example", "main", "us"},
		{"slug", "status.example.com", "us", "us"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.eng.PageFor(context.Background(), tt.host, tt.slug)
			if err != nil || p.Page.Slug != tt.want {
				t.Fatalf("PageFor(%q, %q) = %v, %v; want %s", tt.host, tt.slug, p, err, tt.want)
			}
		})
	}
	_, err := e.eng.PageFor(context.Background(), "status.example.com", "nope")
	if sitrep.ErrorCode(err) != sitrep.ENOTFOUND || !strings.Contains(sitrep.ErrorMessage(err), "valid: main, us") {
		t.Errorf("unknown slug: %v", err)
	}
	if p := e.page("", "us"); p.URL != "https://status.us.example" {
		t.Errorf("US page URL %q", p.URL)
	}
	if p := e.page("", ""); p.URL != "https://status.example.com" {
		t.Errorf("main page URL %q", p.URL)
	}
}

func TestHiddenComponents(t *testing.T) {
	e := newEnv(t)
	e.at(0)
	if c := component(e.page("", ""), "exams-oslo"); c != nil {
		t.Fatalf("hidden component shown while operational")
	}
	e.mons.set("exams-oslo", sitrep.StateDegraded, e.clock.Now())
	e.at(time.Minute)
	if c := component(e.page("", ""), "exams-oslo"); c == nil || c.Status != sitrep.StatusDegraded {
		t.Fatalf("degraded hidden component not shown: %+v", c)
	}
}

func TestUptimeBars(t *testing.T) {
	_, loc := storyCatalog(t)
	local := t0.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	yesterday := today.AddDate(0, 0, -1)
	from := today.AddDate(0, 0, -10)
	e := newEnv(t, func(e *env) {
		// db-oslo was down for 6 of yesterday's 24 hours.
		e.rollups.hours("courses-web-oslo", from, int(t0.Sub(from)/time.Hour), nil)
		e.rollups.hours("db-oslo", from, int(t0.Sub(from)/time.Hour), func(at time.Time) bool {
			return !at.Before(yesterday) && at.Before(yesterday.Add(6*time.Hour))
		})
	})
	e.at(time.Second)
	c := component(e.page("", ""), "courses-oslo")
	if len(c.Days) != uptimeDays {
		t.Fatalf("%d bars", len(c.Days))
	}
	y := c.Days[uptimeDays-2]
	if !y.Day.Equal(yesterday) || !y.HasData || y.Uptime != 0.75 {
		t.Errorf("yesterday: %+v", y)
	}
	if d := c.Days[0]; d.HasData || !d.Day.Equal(today.AddDate(0, 0, -(uptimeDays-1))) {
		t.Errorf("90 days ago: %+v", d)
	}
	if !c.HasData || c.Uptime >= 1 || c.Uptime < 0.97 {
		t.Errorf("total uptime %v", c.Uptime)
	}

	// Within a minute nothing is re-read; after it only today's bar is.
	calls := e.rollups.count()
	e.at(30 * time.Second)
	if n := e.rollups.count() - calls; n != 0 {
		t.Errorf("%d rollup reads within a minute", n)
	}
	e.at(time.Minute + time.Second)
	// Today's bar only: one read per monitor of a shown component and page
	// time zone (4 in Oslo, courses-web-us again in UTC for the US page).
	if n := e.rollups.count() - calls; n != 5 {
		t.Errorf("%d rollup reads after a minute, want 5", n)
	}

	// An incident marks the days it was open.
	inc, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{Title: "Courses down", Message: "Down.",
		Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage}, StartedAt: yesterday.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c = component(e.page("", ""), "courses-oslo")
	if got := c.Days[uptimeDays-2].Incidents; len(got) != 1 || got[0] != inc.ID {
		t.Errorf("yesterday's incidents %v", got)
	}
	if got := c.Days[uptimeDays-1].Incidents; len(got) != 1 {
		t.Errorf("today's incidents %v", got)
	}
}

func TestServiceErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name      string
		call      func() error
		code      string
		field     string
		inMessage string
	}{
		{"unknown component", func() error {
			_, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{Title: "x", Message: "y", Components: map[string]sitrep.ComponentStatus{"nope": ""}})
			return err
		}, sitrep.EINVALID, "components", "valid: courses-oslo, courses-us, exams-oslo, messaging-oslo"},
		{"missing title", func() error {
			_, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{Message: "y"})
			return err
		}, sitrep.EINVALID, "title", "required"},
		{"unknown incident", func() error {
			_, err := e.eng.UpdateIncident(e.ctx, "inc-404", sitrep.IncidentUpdateInput{Message: "y"})
			return err
		}, sitrep.ENOTFOUND, "", "inc-404"},
		{"resolve unknown incident", func() error {
			_, err := e.eng.ResolveIncident(e.ctx, "inc-404", sitrep.IncidentUpdateInput{})
			return err
		}, sitrep.ENOTFOUND, "", "inc-404"},
		{"maintenance without end", func() error {
			_, err := e.eng.ScheduleMaintenance(e.ctx, sitrep.MaintenanceInput{Title: "x", Message: "y", Components: []string{"courses-us"}, Start: t0})
			return err
		}, sitrep.EINVALID, "end", "required"},
		{"maintenance on unknown component", func() error {
			_, err := e.eng.ScheduleMaintenance(e.ctx, sitrep.MaintenanceInput{Title: "x", Message: "y", Components: []string{"video"}, Start: t0, End: t0.Add(time.Hour)})
			return err
		}, sitrep.EINVALID, "components", `unknown component "video"`},
		{"unknown maintenance", func() error {
			_, err := e.eng.UpdateMaintenance(e.ctx, "mnt-404", sitrep.MaintenanceUpdateInput{Message: "y"})
			return err
		}, sitrep.ENOTFOUND, "", "mnt-404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var se *sitrep.Error
			if !errors.As(err, &se) || se.Code != tt.code || se.Field != tt.field || !strings.Contains(se.Message, tt.inMessage) {
				t.Fatalf("got %#v, want %s on %q mentioning %q", err, tt.code, tt.field, tt.inMessage)
			}
		})
	}
}

func TestManualIncidentMetrics(t *testing.T) {
	e := newEnv(t)
	e.down("courses-web-us")
	e.at(0)
	e.at(time.Minute)
	inc, err := e.eng.OpenIncident(e.ctx, sitrep.IncidentInput{Title: "US courses down", Message: "We are on it.",
		Components: map[string]sitrep.ComponentStatus{"courses-us": sitrep.StatusMajorOutage}, Author: "ola"})
	if err != nil {
		t.Fatal(err)
	}
	m := inc.Metrics()
	if !m.FirstFailedAt.Equal(t0) || m.TimeToDetect != time.Minute || m.TimeToFirstUpdate != time.Minute {
		t.Errorf("metrics %+v", m)
	}
	// The person's incident covers the component: no automatic one.
	e.at(5 * time.Minute)
	if incs, _, _ := e.incs.FindIncidents(e.ctx, sitrep.IncidentFilter{}); len(incs) != 1 {
		t.Errorf("%d incidents", len(incs))
	}
}

func TestBadCatalog(t *testing.T) {
	good, _ := storyCatalog(t)
	tests := []struct {
		name  string
		edit  func(*Catalog)
		field string
	}{
		{"duplicate component", func(c *Catalog) { c.Components = append(c.Components, c.Components[0]) }, "components[4].id"},
		{"duplicate slug", func(c *Catalog) { c.Pages = append(c.Pages, c.Pages[0]) }, "pages[2].slug"},
		{"broken template", func(c *Catalog) { c.Templates.Open = "{{.Nope}}" }, "templates.open"},
		{"negative auto-open", func(c *Catalog) { c.Automation.AutoOpenAfter = -time.Minute }, "incidents.auto_open_after"},
		{"relative public URL", func(c *Catalog) { c.PublicURL = "status.example.com" }, "public_url"},
	}
	opts := Options{Incidents: newMemIncidents(), Maintenances: newMemMaintenances(), Monitors: newFakeMonitors(), Rollups: newFakeRollups()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			c.Components = append([]sitrep.Component(nil), good.Components...)
			c.Pages = append([]sitrep.Page(nil), good.Pages...)
			tt.edit(&c)
			_, err := New(opts, c)
			var se *sitrep.Error
			if !errors.As(err, &se) || se.Code != sitrep.EINVALID || se.Field != tt.field {
				t.Fatalf("got %v, want EINVALID on %s", err, tt.field)
			}
		})
	}
}

func TestSetCatalog(t *testing.T) {
	e := newEnv(t)
	cat, _ := storyCatalog(t)
	cat.Pages = cat.Pages[:1]
	cat.Pages[0].Title = "Renamed"
	if err := e.eng.SetCatalog(e.ctx, cat); err != nil {
		t.Fatal(err)
	}
	if p := e.page("", ""); p.Page.Title != "Renamed" {
		t.Errorf("title %q", p.Page.Title)
	}
	if _, err := e.eng.PageFor(e.ctx, "", "us"); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Errorf("removed page still served: %v", err)
	}
}

// TestShortAutoOpenIsHonouredBetweenTicks: an auto_open_after shorter than
// the tick opens the incident at its deadline, not at the next tick.
func TestShortAutoOpenIsHonouredBetweenTicks(t *testing.T) {
	e := newEnv(t)
	cat, _ := storyCatalog(t)
	cat.Automation.AutoOpenAfter = time.Second
	if err := e.eng.SetCatalog(e.ctx, cat); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(pokeGap)
	downAt := e.clock.Now()
	e.mons.set("ws-oslo", sitrep.StateDown, downAt)
	e.eng.Poke()
	guard := time.After(10 * time.Second) // against a hang, not a schedule
	for {
		incs, _, err := e.eng.FindIncidents(e.ctx, sitrep.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(incs) > 0 {
			if took := incs[0].CreatedAt.Sub(downAt); took > 2*time.Second {
				t.Errorf("incident opened %v after the outage began, want about auto_open_after (1s), not the %v tick", took, e.eng.opts.Tick)
			}
			return
		}
		select {
		case <-guard:
			t.Fatal("no automatic incident")
		default:
		}
		e.clock.Advance(50 * time.Millisecond)
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}
