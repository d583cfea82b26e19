package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

var tokenVerbs = []subcommand{
	{"create", "--name NAME --role admin|responder|viewer [--expires 90d]", runTokenCreate},
	{"list", "[--json]", runTokenList},
	{"revoke", "ID", runTokenRevoke},
}

func runToken(ctx context.Context, args []string, env *cliEnv) error {
	err := runVerbs(ctx, "token", tokenVerbs, args, env)
	printModeHelp(args, env)
	return err
}

func runTokenCreate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("token create", env)
	af := addAcctFlags(fs, env, "--name NAME --role admin|responder|viewer [--expires 90d]")
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
	b, err := af.backend()
	if err != nil {
		return err
	}
	token, t, err := b.CreateToken(ctx, *name, sitrep.Role(*role), expires)
	if err != nil {
		return af.explain(err)
	}
	// The token alone on stdout, so that TOKEN=$(sitrep token create ...) works.
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
	af := addAcctFlags(fs, env, "[--json]")
	asJSON := jsonFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	tokens, err := b.Tokens(ctx)
	if err != nil {
		return af.explain(err)
	}
	return printTokens(env.stdout, tokens, *asJSON)
}

func runTokenRevoke(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("token revoke", env)
	af := addAcctFlags(fs, env, "ID")
	id, err := parseWithID(fs, args, "token")
	if err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	if err := b.RevokeToken(ctx, id); err != nil {
		return af.explain(err)
	}
	fmt.Fprintf(env.stdout, "Token %s revoked.\n", id)
	return nil
}
