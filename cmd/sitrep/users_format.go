package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sitrep"
)

// One formatter for users and tokens, whichever backend they came from:
// scripts written against a local `sitrep user list --json` keep working
// against --url.

// userOut is a user in --json output. Times are UTC; a missing one is null.
type userOut struct {
	ID          string      `json:"id"`
	Email       string      `json:"email"`
	Name        string      `json:"name"`
	Role        sitrep.Role `json:"role"`
	TOTP        bool        `json:"totp"`
	Disabled    bool        `json:"disabled"`
	CreatedAt   time.Time   `json:"created_at"`
	LastLoginAt *time.Time  `json:"last_login_at"`
}

func newUserOut(u sitrep.User) userOut {
	return userOut{u.ID, u.Email, u.Name, u.Role, u.TOTPEnabled, u.Disabled, u.CreatedAt.UTC(), acctTimePtr(u.LastLoginAt)}
}

// tokenOut is an API token's record in --json output; never the token.
type tokenOut struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Role       sitrep.Role `json:"role"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	ExpiresAt  *time.Time  `json:"expires_at"`
	LastUsedAt *time.Time  `json:"last_used_at"`
}

func printUsers(w io.Writer, users []sitrep.User, asJSON bool) error {
	if asJSON {
		out := make([]userOut, 0, len(users))
		for _, u := range users {
			out = append(out, newUserOut(u))
		}
		return acctWriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tROLE\t2FA\tSTATUS\tLAST SIGN-IN\tNAME")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, acctYesNo(u.TOTPEnabled), status, acctWhen(u.LastLoginAt, "never"), u.Name)
	}
	return tw.Flush()
}

// printUser answers a verb that changed one user: the sentence for people,
// or the user's record for scripts.
func printUser(w io.Writer, u *sitrep.User, asJSON bool, format string, args ...any) error {
	if asJSON {
		return acctWriteJSON(w, newUserOut(*u))
	}
	_, err := fmt.Fprintf(w, format, args...)
	return err
}

func printTokens(w io.Writer, tokens []sitrep.APIToken, asJSON bool) error {
	if asJSON {
		out := make([]tokenOut, 0, len(tokens))
		for _, t := range tokens {
			out = append(out, tokenOut{t.ID, t.Name, t.Role, t.CreatedBy, t.CreatedAt.UTC(), acctTimePtr(t.ExpiresAt), acctTimePtr(t.LastUsedAt)})
		}
		return acctWriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tEXPIRES\tLAST USED\tCREATED BY")
	for _, t := range tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, acctWhen(t.CreatedAt, "-"),
			acctWhen(t.ExpiresAt, "never"), acctWhen(t.LastUsedAt, "never"), t.CreatedBy)
	}
	return tw.Flush()
}

func acctYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// acctWhen formats a time for tables; zero is none.
func acctWhen(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func acctTimePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func acctWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
