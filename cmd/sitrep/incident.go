package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"sitrep"
	"sitrep/internal/app"
	"sitrep/internal/client"
)

// subcommand is one verb of a command with verbs (incident, maintenance).
type subcommand struct {
	name, usage string
	run         func(ctx context.Context, args []string, env *cliEnv) error
}

// runVerbs dispatches args[0] to one of subs.
func runVerbs(ctx context.Context, cmd string, subs []subcommand, args []string, env *cliEnv) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := env.stderr
		if len(args) > 0 {
			w = env.stdout
		}
		fmt.Fprintf(w, "usage:\n")
		for _, s := range subs {
			fmt.Fprintf(w, "  sitrep %s %s %s\n", cmd, s.name, s.usage)
		}
		fmt.Fprintf(w, "\nRun 'sitrep %s <verb> -h' for the flags of a verb.\n", cmd)
		if len(args) == 0 {
			return exitError{2}
		}
		return errHelp
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, args[1:], env)
		}
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	fmt.Fprintf(env.stderr, "sitrep %s: unknown verb %q; valid: %s\n", cmd, args[0], strings.Join(names, ", "))
	return exitError{2}
}

// remoteFlags are the flags of every command that talks to a running
// server's records API.
type remoteFlags struct {
	url, token string
	json       bool
	env        *cliEnv
}

func addRemoteFlags(fs *flag.FlagSet, env *cliEnv) *remoteFlags {
	rf := &remoteFlags{env: env}
	fs.StringVar(&rf.url, "url", envOr(env, "SITREP_URL", "http://"+app.DefaultListen), "base URL of a running sitrep (env SITREP_URL)")
	// The environment is read after parsing, so that -h never prints the token as a default.
	fs.StringVar(&rf.token, "token", "", "API token (default: env SITREP_TOKEN)")
	fs.BoolVar(&rf.json, "json", false, "print JSON instead of text, for scripts")
	return rf
}

// errNoToken says how to get a token, so the first attempt is the last
// one that fails for want of it.
var errNoToken = errors.New("no API token: set SITREP_TOKEN to the admin token printed at first start, or SITREP_ADMIN_TOKEN on the server (or pass --token)")

func (rf *remoteFlags) client() (*client.Client, error) {
	c := rf.anyClient()
	if strings.TrimSpace(rf.token) == "" {
		return nil, errNoToken
	}
	return c, nil
}

// anyClient is client for reads that need no token (monitor states): one is
// sent if given.
func (rf *remoteFlags) anyClient() *client.Client {
	if rf.token == "" {
		rf.token = rf.env.getenv("SITREP_TOKEN")
	}
	return client.New(rf.url, rf.token, nil)
}

// parseWithID parses a verb that takes one ID, before or after its flags.
func parseWithID(fs *flag.FlagSet, args []string, what string) (string, error) {
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", errHelp
		}
		return "", exitError{2}
	}
	rest := fs.Args()
	if id == "" && len(rest) > 0 {
		id, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), strings.Join(rest, " "))
		return "", exitError{2}
	}
	if id == "" {
		fmt.Fprintf(fs.Output(), "%s: missing the %s ID\n", fs.Name(), what)
		return "", exitError{2}
	}
	return id, nil
}

// componentFlag collects repeated --component ID[=STATUS].
type componentFlag struct {
	m   map[string]sitrep.ComponentStatus
	def sitrep.ComponentStatus // "" requires =STATUS
}

func (c *componentFlag) String() string { return "" }

func (c *componentFlag) Set(v string) error {
	id, status, hasStatus := strings.Cut(v, "=")
	id = strings.TrimSpace(id)
	if id == "" {
		return fmt.Errorf("expected ID or ID=STATUS, got %q", v)
	}
	st := c.def
	if hasStatus || st == "" {
		var err error
		if st, err = sitrep.ParseComponentStatus("component "+id, strings.TrimSpace(status)); err != nil {
			return err
		}
	}
	if c.m == nil {
		c.m = map[string]sitrep.ComponentStatus{}
	}
	c.m[id] = st
	return nil
}

// timeFlag is an optional RFC 3339 time.
type timeFlag struct{ t time.Time }

func (f *timeFlag) String() string {
	if f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f *timeFlag) Set(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("expected an RFC 3339 time such as 2026-11-22T23:00:00+01:00, got %q", v)
	}
	f.t = t
	return nil
}

var incidentVerbs = []subcommand{
	{"open", "--title TEXT --component ID[=STATUS]... --message TEXT [--impact minor] [--status investigating]", runIncidentOpen},
	{"update", "ID --status STATUS --message TEXT [--component ID=STATUS]... [--internal]", runIncidentUpdate},
	{"resolve", "ID --message TEXT", runIncidentResolve},
	{"list", "[--all]", runIncidentList},
	{"show", "ID", runIncidentShow},
}

func runIncident(ctx context.Context, args []string, env *cliEnv) error {
	return runVerbs(ctx, "incident", incidentVerbs, args, env)
}

func runIncidentOpen(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("incident open", env)
	rf := addRemoteFlags(fs, env)
	title := fs.String("title", "", "what users see as the headline (required)")
	impact := fs.String("impact", "minor", "none, minor, major or critical")
	status := fs.String("status", "investigating", "investigating, identified or monitoring")
	message := fs.String("message", "", "the first public update")
	internal := fs.Bool("internal", false, "make the first update an internal note")
	comps := &componentFlag{def: sitrep.StatusMajorOutage}
	fs.Var(comps, "component", "affected component as ID or ID=STATUS (default status major_outage); repeat for several")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	inc, err := c.OpenIncident(ctx, sitrep.IncidentInput{Title: *title, Impact: sitrep.Impact(*impact),
		Status: sitrep.IncidentStatus(*status), Message: *message, Components: comps.m, Internal: *internal})
	if err != nil {
		return err
	}
	return printIncident(env.stdout, rf.json, inc)
}

func runIncidentUpdate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("incident update", env)
	rf := addRemoteFlags(fs, env)
	status := fs.String("status", "", "investigating, identified or monitoring (resolve with 'sitrep incident resolve')")
	message := fs.String("message", "", "the update's text")
	impact := fs.String("impact", "", "change the impact: none, minor, major or critical")
	title := fs.String("title", "", "change the title")
	internal := fs.Bool("internal", false, "an internal note for staff, not shown on the page")
	comps := &componentFlag{}
	fs.Var(comps, "component", "set a component's status as ID=STATUS; repeat for several")
	id, err := parseWithID(fs, args, "incident")
	if err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	inc, err := c.UpdateIncident(ctx, id, sitrep.IncidentUpdateInput{Status: sitrep.IncidentStatus(*status), Message: *message,
		Impact: sitrep.Impact(*impact), Title: *title, Components: comps.m, Internal: *internal})
	if err != nil {
		return err
	}
	return printIncident(env.stdout, rf.json, inc)
}

func runIncidentResolve(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("incident resolve", env)
	rf := addRemoteFlags(fs, env)
	message := fs.String("message", "", "the closing public update")
	id, err := parseWithID(fs, args, "incident")
	if err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	inc, err := c.ResolveIncident(ctx, id, sitrep.IncidentUpdateInput{Message: *message})
	if err != nil {
		return err
	}
	return printIncident(env.stdout, rf.json, inc)
}

func runIncidentShow(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("incident show", env)
	rf := addRemoteFlags(fs, env)
	id, err := parseWithID(fs, args, "incident")
	if err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	inc, err := c.Incident(ctx, id)
	if err != nil {
		return err
	}
	return printIncident(env.stdout, rf.json, inc)
}

func runIncidentList(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("incident list", env)
	rf := addRemoteFlags(fs, env)
	all := fs.Bool("all", false, "include resolved incidents")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	opts := client.ListOptions{Status: "open", Limit: 200}
	if *all {
		opts.Status = "all"
	}
	var incs []*sitrep.Incident
	for {
		p, err := c.ListIncidents(ctx, opts)
		if err != nil {
			return err
		}
		incs = append(incs, p.Incidents...)
		if p.NextCursor == "" {
			break
		}
		opts.Cursor = p.NextCursor
	}
	if rf.json {
		return writeJSON(env.stdout, incs)
	}
	if len(incs) == 0 {
		if *all {
			fmt.Fprintln(env.stdout, "No incidents.")
		} else {
			fmt.Fprintln(env.stdout, "No open incidents. ('sitrep incident list --all' shows resolved ones too.)")
		}
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tIMPACT\tSTARTED\tUPDATED\tTITLE")
	for _, inc := range incs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", inc.ID, inc.Status, inc.Impact, stamp(inc.StartedAt), stamp(inc.UpdatedAt), oneLine(inc.Title, 60))
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// stamp shows a time in UTC to the minute, "-" when unknown.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func printIncident(w io.Writer, asJSON bool, inc *sitrep.Incident) error {
	if asJSON {
		return writeJSON(w, inc)
	}
	fmt.Fprintf(w, "Incident %s: %s\n", inc.ID, inc.Title)
	fmt.Fprintf(w, "status:     %s, impact %s", inc.Status, inc.Impact)
	if inc.Automatic {
		fmt.Fprint(w, " (opened by sitrep")
		if inc.TakenOver {
			fmt.Fprint(w, ", taken over")
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "started:    %s\n", stamp(inc.StartedAt))
	if !inc.ResolvedAt.IsZero() {
		fmt.Fprintf(w, "resolved:   %s\n", stamp(inc.ResolvedAt))
	}
	if len(inc.Components) > 0 {
		comps := make([]string, len(inc.Components))
		for i, c := range inc.Components {
			comps[i] = c.ComponentID + "=" + string(c.Status)
		}
		sort.Strings(comps)
		fmt.Fprintf(w, "components: %s\n", strings.Join(comps, ", "))
	}
	m := inc.Metrics()
	if !m.FirstPublicAt.IsZero() || !m.ResolvedAt.IsZero() {
		fmt.Fprint(w, "response:  ")
		if !m.FirstFailedAt.IsZero() {
			fmt.Fprintf(w, " detected after %s,", m.TimeToDetect)
		}
		if !m.FirstPublicAt.IsZero() {
			fmt.Fprintf(w, " first public update after %s", m.TimeToFirstUpdate)
		}
		if !m.ResolvedAt.IsZero() {
			fmt.Fprintf(w, ", resolved after %s", m.TimeToResolve)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTATUS\tBY\tUPDATE")
	for _, u := range inc.Updates {
		text := oneLine(u.Message, 100)
		if !u.Public {
			text = "[internal] " + text
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", stamp(u.At), u.Status, dash(u.Author), text)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pm := inc.Postmortem; pm != nil {
		state := "draft"
		if pm.Published {
			state = "published"
		}
		fmt.Fprintf(w, "\npostmortem (%s): %s\n", state, oneLine(pm.Summary, 200))
		for _, a := range pm.ActionItems {
			done := " "
			if a.Done {
				done = "x"
			}
			fmt.Fprintf(w, "  [%s] %s (owner %s, due %s)\n", done, a.Title, dash(a.Owner), stamp(a.Due))
		}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
