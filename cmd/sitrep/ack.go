package main

import (
	"context"
	"fmt"
)

// runAck acknowledges an alert: its escalation and reminders stop.
func runAck(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("ack", env)
	rf := addRemoteFlags(fs, env)
	by := fs.String("by", "", "who is acknowledging (default: the token's name)")
	id, err := parseWithID(fs, args, "alert")
	if err != nil {
		return err
	}
	c, err := rf.client()
	if err != nil {
		return err
	}
	a, err := c.AckAlert(ctx, id, *by)
	if err != nil {
		return err
	}
	if rf.json {
		return writeJSON(env.stdout, a)
	}
	fmt.Fprintf(env.stdout, "Alert %s acknowledged by %s: %s\n", a.ID, a.AckedBy, a.Summary)
	return nil
}
