package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"sitrep"
	"sitrep/internal/client"
)

var maintenanceVerbs = []subcommand{
	{"schedule", "--title TEXT --component ID... --start RFC3339 --end RFC3339 --message TEXT [--recurrence \"every sun 02:00-04:00 Europe/Oslo\"]", runMaintenanceSchedule},
	{"list", "[--all]", runMaintenanceList},
	{"show", "ID", runMaintenanceShow},
	{"start", "ID [--message TEXT]", maintenanceStep("start", sitrep.MaintenanceInProgress)},
	{"complete", "ID [--message TEXT]", maintenanceStep("complete", sitrep.MaintenanceCompleted)},
	{"extend", "ID --end RFC3339 [--message TEXT]", runMaintenanceExtend},
	{"edit", "ID [--title TEXT] [--description TEXT] [--components ID,ID] [--start RFC3339] [--end RFC3339] [--message TEXT]", runMaintenanceEdit},
}

func runMaintenance(ctx context.Context, args []string, env *cliEnv) error {
	return runVerbs(ctx, "maintenance", maintenanceVerbs, args, env)
}

// listFlag collects a repeated plain flag (--component a --component b).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runMaintenanceSchedule(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("maintenance schedule", env)
	rf := addRemoteFlags(fs, env)
	title := fs.String("title", "", "what users see as the headline (required)")
	message := fs.String("message", "", "the announcement")
	description := fs.String("description", "", "what will be done and what users will notice")
	recurrence := fs.String("recurrence", "", `repeat the window, e.g. "every sun 02:00-04:00 Europe/Oslo"`)
	var comps listFlag
	fs.Var(&comps, "component", "affected component ID; repeat (or separate with commas) for several")
	var start, end timeFlag
	fs.Var(&start, "start", "planned start, RFC 3339 (e.g. 2026-11-22T23:00:00+01:00)")
	fs.Var(&end, "end", "planned end, RFC 3339")
	if err := parse(fs, args); err != nil {
		return err
	}
	in := sitrep.MaintenanceInput{Title: *title, Components: comps, Start: start.t, End: end.t, Description: *description, Message: *message}
	if *recurrence != "" {
		// Checked here too so that a typo is caught before the token is.
		r, err := sitrep.ParseRecurrence(*recurrence)
		if err != nil {
			return err
		}
		in.Recurrence = &r
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	m, err := c.ScheduleMaintenance(ctx, in)
	if err != nil {
		return err
	}
	return printMaintenance(env.stdout, rf.json, m)
}

// maintenanceStep moves a window to status: start and complete.
func maintenanceStep(verb string, status sitrep.MaintenanceStatus) func(context.Context, []string, *cliEnv) error {
	return func(ctx context.Context, args []string, env *cliEnv) error {
		fs := newFlags("maintenance "+verb, env)
		rf := addRemoteFlags(fs, env)
		message := fs.String("message", "", "a public update to post with it")
		id, err := parseWithID(fs, args, "maintenance")
		if err != nil {
			return err
		}
		return updateMaintenance(ctx, env, rf, id, sitrep.MaintenanceUpdateInput{Status: status, Message: *message})
	}
}

func runMaintenanceExtend(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("maintenance extend", env)
	rf := addRemoteFlags(fs, env)
	message := fs.String("message", "", "a public update saying why and until when")
	var end timeFlag
	fs.Var(&end, "end", "the new planned end, RFC 3339 (required)")
	id, err := parseWithID(fs, args, "maintenance")
	if err != nil {
		return err
	}
	if end.t.IsZero() {
		fmt.Fprintln(env.stderr, "sitrep maintenance extend: --end is required: the new planned end, e.g. --end 2026-11-23T04:00:00+01:00")
		return exitError{2}
	}
	return updateMaintenance(ctx, env, rf, id, sitrep.MaintenanceUpdateInput{End: end.t, Message: *message})
}

// runMaintenanceEdit corrects a window. Only the flags given change
// anything: --description "" clears the description, while --components ""
// asks for no components at all, which the server refuses by name.
func runMaintenanceEdit(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("maintenance edit", env)
	rf := addRemoteFlags(fs, env)
	title := fs.String("title", "", "the new headline")
	description := fs.String("description", "", `the new description ("" clears it)`)
	message := fs.String("message", "", "a public update to post with the edit; subscribers read it when the window moves")
	var comps listFlag
	fs.Var(&comps, "components", "the component IDs the work affects, separated by commas (replaces the current ones)")
	fs.Var(&comps, "component", "one affected component ID; repeat for several (same as --components)")
	var start, end timeFlag
	fs.Var(&start, "start", "the new planned start, RFC 3339; only before the window has started")
	fs.Var(&end, "end", "the new planned end, RFC 3339")
	id, err := parseWithID(fs, args, "maintenance")
	if err != nil {
		return err
	}
	in := sitrep.MaintenanceUpdateInput{Title: *title, Start: start.t, End: end.t, Message: *message}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "description":
			in.Description = description
		case "components", "component":
			list := []string(comps)
			in.Components = &list
		case "title":
			if strings.TrimSpace(*title) == "" {
				in.Title = " " // sent, so that the server names the blank title rather than ignoring it
			}
		}
	})
	if !in.Edits() {
		fmt.Fprintln(env.stderr, "sitrep maintenance edit: nothing to change; give at least one of --title, --description, --components, --start, --end")
		return exitError{2}
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	m, err := c.EditMaintenance(ctx, id, in)
	if err != nil {
		return err
	}
	return printMaintenance(env.stdout, rf.json, m)
}

func updateMaintenance(ctx context.Context, env *cliEnv, rf *remoteFlags, id string, in sitrep.MaintenanceUpdateInput) error {
	c, err := rf.client()
	if err != nil {
		return err
	}
	m, err := c.UpdateMaintenance(ctx, id, in)
	if err != nil {
		return err
	}
	return printMaintenance(env.stdout, rf.json, m)
}

func runMaintenanceShow(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("maintenance show", env)
	rf := addRemoteFlags(fs, env)
	id, err := parseWithID(fs, args, "maintenance")
	if err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	m, err := c.Maintenance(ctx, id)
	if err != nil {
		return err
	}
	return printMaintenance(env.stdout, rf.json, m)
}

func runMaintenanceList(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("maintenance list", env)
	rf := addRemoteFlags(fs, env)
	all := fs.Bool("all", false, "include completed windows")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	opts := client.ListOptions{Status: "upcoming,active", Limit: 200}
	if *all {
		opts.Status = "all"
	}
	var ms []*sitrep.Maintenance
	for {
		p, err := c.ListMaintenances(ctx, opts)
		if err != nil {
			return err
		}
		ms = append(ms, p.Maintenances...)
		if p.NextCursor == "" {
			break
		}
		opts.Cursor = p.NextCursor
	}
	if rf.json {
		return writeJSON(env.stdout, ms)
	}
	if len(ms) == 0 {
		fmt.Fprintln(env.stdout, "No upcoming or active maintenance.")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tSTART\tEND\tCOMPONENTS\tTITLE")
	for _, m := range ms {
		status := string(m.Status)
		if m.Overrun {
			status += " (overrun)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, status, stamp(m.PlannedStart), stamp(m.PlannedEnd),
			strings.Join(m.Components, ","), oneLine(m.Title, 60))
	}
	return tw.Flush()
}

func printMaintenance(w io.Writer, asJSON bool, m *sitrep.Maintenance) error {
	if asJSON {
		return writeJSON(w, m)
	}
	fmt.Fprintf(w, "Maintenance %s: %s\n", m.ID, m.Title)
	fmt.Fprintf(w, "status:     %s", m.Status)
	if m.Overrun {
		fmt.Fprint(w, ", running past its planned end")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "planned:    %s – %s (%s)\n", stamp(m.PlannedStart), stamp(m.PlannedEnd), m.PlannedDuration())
	if !m.ActualStart.IsZero() {
		fmt.Fprintf(w, "actual:     %s – %s", stamp(m.ActualStart), stamp(m.ActualEnd))
		if d := m.ActualDuration(); d > 0 {
			fmt.Fprintf(w, " (%s)", d)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "components: %s\n", strings.Join(m.Components, ", "))
	if m.Recurrence != nil {
		fmt.Fprintf(w, "repeats:    %s\n", m.Recurrence)
	}
	if len(m.Updates) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTATUS\tBY\tUPDATE")
	for _, u := range m.Updates {
		text := oneLine(u.Message, 100)
		if !u.Public {
			text = "[internal] " + text
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", stamp(u.At), u.Status, dash(u.Author), text)
	}
	return tw.Flush()
}
