package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"sitrep"
)

var userVerbs = []subcommand{
	{"list", "[--json]", runUserList},
	{"create", "--email EMAIL --role admin|responder|viewer [--name NAME] --password-stdin [--json]", runUserCreate},
	{"set-role", "ID|EMAIL --role admin|responder|viewer [--json]", runUserSetRole},
	{"disable", "ID|EMAIL [--json]", runUserDisable},
	{"reset-password", "--email EMAIL --password-stdin", runUserResetPassword},
}

func runUser(ctx context.Context, args []string, env *cliEnv) error {
	err := runVerbs(ctx, "user", userVerbs, args, env)
	printModeHelp(args, env)
	return err
}

// printModeHelp follows runVerbs' list of verbs with the two ways they run.
func printModeHelp(args []string, env *cliEnv) {
	switch {
	case len(args) == 0:
		fmt.Fprint(env.stderr, "\n"+acctModeHelp)
	case args[0] == "-h" || args[0] == "--help" || args[0] == "help":
		fmt.Fprint(env.stdout, "\n"+acctModeHelp)
	}
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

func jsonFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print JSON instead of text, for scripts")
}

func runUserList(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user list", env)
	af := addAcctFlags(fs, env, "[--json]")
	asJSON := jsonFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	users, err := b.Users(ctx)
	if err != nil {
		return af.explain(err)
	}
	return printUsers(env.stdout, users, *asJSON)
}

func runUserCreate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user create", env)
	af := addAcctFlags(fs, env, "--email EMAIL --role admin|responder|viewer [--name NAME] --password-stdin [--json]")
	email := fs.String("email", "", "the user's email address, used to sign in")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "admin, responder or viewer")
	pwStdin := passwordFlag(fs)
	asJSON := jsonFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "email", *email, "the address the user signs in with"); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "role", *role, "admin, responder or viewer"); err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	pw, err := readPasswordStdin(fs, *pwStdin, env)
	if err != nil {
		return err
	}
	u, err := b.CreateUser(ctx, sitrep.UserInput{Email: *email, Name: *name, Role: sitrep.Role(*role), Password: pw})
	if err != nil {
		return af.explain(err)
	}
	return printUser(env.stdout, u, *asJSON, "Created %s %s (id %s).\n", u.Role, u.Email, u.ID)
}

func runUserSetRole(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user set-role", env)
	af := addAcctFlags(fs, env, "ID|EMAIL --role admin|responder|viewer [--json]")
	role := fs.String("role", "", "the new role: admin, responder or viewer")
	asJSON := jsonFlag(fs)
	ref, err := parseWithID(fs, args, "user")
	if err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "role", *role, "admin, responder or viewer"); err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	u, err := lookUpUser(ctx, b, ref)
	if err != nil {
		return af.explain(err)
	}
	was := u.Role
	if u, err = b.UpdateUser(ctx, u.ID, sitrep.UserInput{Role: sitrep.Role(*role)}); err != nil {
		return af.explain(err)
	}
	if was == u.Role {
		return printUser(env.stdout, u, *asJSON, "%s is %s already (id %s).\n", u.Email, u.Role, u.ID)
	}
	return printUser(env.stdout, u, *asJSON, "%s is now %s, was %s (id %s).\n", u.Email, u.Role, was, u.ID)
}

func runUserDisable(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user disable", env)
	af := addAcctFlags(fs, env, "ID|EMAIL [--json]")
	asJSON := jsonFlag(fs)
	ref, err := parseWithID(fs, args, "user")
	if err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	u, err := lookUpUser(ctx, b, ref)
	if err != nil {
		return af.explain(err)
	}
	if err := b.DisableUser(ctx, u.ID); err != nil {
		return af.explain(err)
	}
	u.Disabled = true
	return printUser(env.stdout, u, *asJSON, "Disabled %s (id %s); their sessions were ended.\n", u.Email, u.ID)
}

// lookUpUser finds a user by ID or email through the backend.
func lookUpUser(ctx context.Context, b accountsBackend, ref string) (*sitrep.User, error) {
	users, err := b.Users(ctx)
	if err != nil {
		return nil, err
	}
	return findUser(users, ref)
}

func runUserResetPassword(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("user reset-password", env)
	af := addAcctFlags(fs, env, "--email EMAIL --password-stdin")
	email := fs.String("email", "", "the user's email address")
	pwStdin := passwordFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := acctRequireFlag(fs, "email", *email, "whose password to set"); err != nil {
		return err
	}
	b, err := af.backend()
	if err != nil {
		return err
	}
	pw, err := readPasswordStdin(fs, *pwStdin, env)
	if err != nil {
		return err
	}
	if pw == "" {
		// Over the API an empty password would read as "no change".
		return sitrep.FieldErrorf(sitrep.EINVALID, "password", "the new password is empty")
	}
	if err := b.ResetPassword(ctx, *email, pw); err != nil {
		return af.explain(err)
	}
	fmt.Fprintf(env.stdout, "Password of %s set; their sessions were ended.\n", strings.ToLower(strings.TrimSpace(*email)))
	return nil
}
