package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

// runOnCall shows who is on call now (or at --at).
func runOnCall(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("oncall", env)
	rf := addRemoteFlags(fs, env)
	schedule := fs.String("schedule", "", "schedule ID (default: every schedule)")
	var at timeFlag
	fs.Var(&at, "at", "RFC 3339 time to ask about (default: now)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	list, err := c.OnCall(ctx, *schedule, at.t)
	if err != nil {
		return err
	}
	if rf.json {
		return writeJSON(env.stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.stdout, "No schedules declared.")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCHEDULE\tROTATION\tON CALL\tCHANNEL\tUNTIL")
	for _, oc := range list {
		who := oc.Member.Name
		if oc.Override {
			who += " (override)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", oc.Schedule, oc.Rotation, who, oc.Member.Channel, stamp(oc.Until))
	}
	return tw.Flush()
}
