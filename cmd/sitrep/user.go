package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sitrep"
	"sitrep/internal/app"
)

func runUser(ctx context.Context, args []string, env *cliEnv) error {
	return runVerbs(ctx, "user", []subcommand{
		{"create", "--email EMAIL --role admin|responder|viewer [--name NAME] --password-stdin", runUserCreate},
		{"reset-password", "--email EMAIL --password-stdin", runUserResetPassword},
		{"list", "[--json]", runUserList},
	}, args, env)
}

// passwordFlag is --password-stdin: passwords are never arguments, which
// would show in `ps` and in shell history.
func passwordFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("password-stdin", false, "read the password from the first line of standard input (required)")
}

func readPasswordStdin(fs *flag.FlagSet, fromStdin bool, env *cliEnv) (string, error) {
	if !fromStdin {
		fmt.Fprintf(fs.Output(), "%s: --password-stdin is required: pipe the password in, e.g. printf '%%s\\n' \"$PW\" | sitrep ..., so it never appears in ps or shell history\n", fs.Name())
		return "", exitError{2}
	}
	line, err := bufio.NewReader(io.LimitReader(env.stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func acctRequireFlag(fs *flag.FlagSet, name, value, hint string) error {
	if strings.TrimSpace(value) == "" {
		fmt.Fprintf(fs.Output(), "%s: --%s is required: %s\n", fs.Name(), name, hint)
		return exitError{2}
	}
	return nil
}

func runUserCreate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user create", env)
	lf := addLocalFlags(fs, env)
	email := fs.String("email", "", "the user's email address, used to sign in")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "admin, responder or viewer")
	pwStdin := passwordFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "email", *email, "the address the user signs in with"); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "role", *role, "admin, responder or viewer"); err != nil {
		return err
	}
	pw, err := readPasswordStdin(fs, *pwStdin, env)
	if err != nil {
		return err
	}
	u, err := app.CreateUser(ctx, lf.config, lf.data, sitrep.UserInput{Email: *email, Name: *name, Role: sitrep.Role(*role), Password: pw})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Created %s %s (id %s).\n", u.Role, u.Email, u.ID)
	return nil
}

func runUserResetPassword(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user reset-password", env)
	lf := addLocalFlags(fs, env)
	email := fs.String("email", "", "the user's email address")
	pwStdin := passwordFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "email", *email, "whose password to set"); err != nil {
		return err
	}
	pw, err := readPasswordStdin(fs, *pwStdin, env)
	if err != nil {
		return err
	}
	if err := app.ResetUserPassword(ctx, lf.config, lf.data, *email, pw); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Password of %s set; their sessions were ended.\n", strings.ToLower(strings.TrimSpace(*email)))
	return nil
}

func runUserList(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user list", env)
	lf := addLocalFlags(fs, env)
	asJSON := fs.Bool("json", false, "print JSON instead of text, for scripts")
	if err := parse(fs, args); err != nil {
		return err
	}
	users, err := app.ListUsers(ctx, lf.config, lf.data)
	if err != nil {
		return err
	}
	if *asJSON {
		type userJSON struct {
			ID          string      `json:"id"`
			Email       string      `json:"email"`
			Name        string      `json:"name"`
			Role        sitrep.Role `json:"role"`
			TOTP        bool        `json:"totp"`
			Disabled    bool        `json:"disabled"`
			CreatedAt   time.Time   `json:"created_at"`
			LastLoginAt *time.Time  `json:"last_login_at"`
		}
		out := make([]userJSON, 0, len(users))
		for _, u := range users {
			out = append(out, userJSON{u.ID, u.Email, u.Name, u.Role, u.TOTPEnabled, u.Disabled, u.CreatedAt, acctTimePtr(u.LastLoginAt)})
		}
		return acctWriteJSON(env.stdout, out)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
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
	return &t
}

func acctWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
