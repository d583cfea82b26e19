package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sitrep"
	"sitrep/internal/app"
)

func runToken(ctx context.Context, args []string, env *cliEnv) error {
	return runVerbs(ctx, "token", []subcommand{
		{"create", "--name NAME --role admin|responder|viewer [--expires 90d]", runTokenCreate},
		{"list", "[--json]", runTokenList},
		{"revoke", "ID", runTokenRevoke},
	}, args, env)
}

func runTokenCreate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("token create", env)
	lf := addLocalFlags(fs, env)
	name := fs.String("name", "", "what the token is for, e.g. the script that uses it")
	role := fs.String("role", "", "admin, responder or viewer")
	expiresIn := fs.String("expires", "never", "lifetime (90d, 12h) or end (2026-12-31, RFC 3339), or never")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "name", *name, "what the token is for, e.g. --name deploy-script"); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "role", *role, "admin, responder or viewer"); err != nil {
		return err
	}
	expires, err := parseExpiry(*expiresIn, time.Now())
	if err != nil {
		fmt.Fprintf(fs.Output(), "%s: --expires: %v\n", fs.Name(), err)
		return exitError{2}
	}
	token, t, err := app.CreateToken(ctx, lf.config, lf.data, *name, sitrep.Role(*role), expires)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, token)
	fmt.Fprintf(env.stderr, "Token %q (id %s, role %s, expires %s) created. It is shown only now; store it safely.\n",
		t.Name, t.ID, t.Role, acctWhen(t.ExpiresAt, "never"))
	return nil
}

// parseExpiry reads a lifetime ("90d", "12h", "2w") or an end date.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "never" {
		return time.Time{}, nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, suffix)); err == nil && strings.HasSuffix(s, suffix) && n > 0 {
			return now.Add(time.Duration(n) * unit), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("cannot read %q; use a lifetime like 90d, 2w or 12h, a date like 2026-12-31, or never", s)
}

func runTokenList(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("token list", env)
	lf := addLocalFlags(fs, env)
	asJSON := fs.Bool("json", false, "print JSON instead of text, for scripts")
	if err := parse(fs, args); err != nil {
		return err
	}
	tokens, err := app.ListTokens(ctx, lf.config, lf.data)
	if err != nil {
		return err
	}
	if *asJSON {
		type tokenJSON struct {
			ID         string      `json:"id"`
			Name       string      `json:"name"`
			Role       sitrep.Role `json:"role"`
			CreatedBy  string      `json:"created_by"`
			CreatedAt  time.Time   `json:"created_at"`
			ExpiresAt  *time.Time  `json:"expires_at"`
			LastUsedAt *time.Time  `json:"last_used_at"`
		}
		out := make([]tokenJSON, 0, len(tokens))
		for _, t := range tokens {
			out = append(out, tokenJSON{t.ID, t.Name, t.Role, t.CreatedBy, t.CreatedAt, acctTimePtr(t.ExpiresAt), acctTimePtr(t.LastUsedAt)})
		}
		return acctWriteJSON(env.stdout, out)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tEXPIRES\tLAST USED\tCREATED BY")
	for _, t := range tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, acctWhen(t.CreatedAt, "-"),
			acctWhen(t.ExpiresAt, "never"), acctWhen(t.LastUsedAt, "never"), t.CreatedBy)
	}
	return tw.Flush()
}

func runTokenRevoke(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("token revoke", env)
	lf := addLocalFlags(fs, env)
	id, err := parseWithID(fs, args, "token")
	if err != nil {
		return err
	}
	if err := app.RevokeToken(ctx, lf.config, lf.data, id); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Token %s revoked.\n", id)
	return nil
}
