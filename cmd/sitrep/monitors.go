package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"sitrep/internal/app"
)

func runMonitors(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("monitors", env)
	lf := addLocalFlags(fs, env)
	base := fs.String("url", envOr(env, "SITREP_URL", "http://"+app.DefaultListen), "public base URL of the server, for ping URLs (env SITREP_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	infos, err := app.ListMonitors(ctx, lf.config, lf.data)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tINTERVAL\tTARGET\tPING URL")
	for _, m := range infos {
		ping := "-"
		if m.PingPath != "" {
			ping = trimSlash(*base) + m.PingPath
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Type, m.Interval, m.Target, ping)
	}
	return tw.Flush()
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
