package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"sitrep"
	"sitrep/internal/app"
	"sitrep/internal/client"
)

// accountsBackend is where `sitrep user` and `sitrep token` act: a running
// server's admin API, or the data directory directly. The verbs are written
// once against it, so both modes print the same thing.
type accountsBackend interface {
	Users(ctx context.Context) ([]sitrep.User, error)
	CreateUser(ctx context.Context, in sitrep.UserInput) (*sitrep.User, error)
	UpdateUser(ctx context.Context, id string, in sitrep.UserInput) (*sitrep.User, error)
	DisableUser(ctx context.Context, id string) error
	ResetPassword(ctx context.Context, email, password string) error
	Tokens(ctx context.Context) ([]sitrep.APIToken, error)
	CreateToken(ctx context.Context, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error)
	RevokeToken(ctx context.Context, id string) error
}

// remoteAccounts is the admin API; the client has every call but one.
type remoteAccounts struct{ *client.Client }

// ResetPassword looks the user up by email, since the API addresses users
// by ID, and sets the password, which also ends their sessions.
func (r remoteAccounts) ResetPassword(ctx context.Context, email, password string) error {
	users, err := r.Users(ctx)
	if err != nil {
		return err
	}
	u, err := findUser(users, email)
	if err != nil {
		return err
	}
	_, err = r.UpdateUser(ctx, u.ID, sitrep.UserInput{Password: password})
	return err
}

// localAccounts opens the data directory for each call, as serve would.
type localAccounts struct{ config, data string }

func (l localAccounts) Users(ctx context.Context) ([]sitrep.User, error) {
	return app.ListUsers(ctx, l.config, l.data)
}

func (l localAccounts) CreateUser(ctx context.Context, in sitrep.UserInput) (*sitrep.User, error) {
	return app.CreateUser(ctx, l.config, l.data, in)
}

func (l localAccounts) UpdateUser(ctx context.Context, id string, in sitrep.UserInput) (*sitrep.User, error) {
	return app.UpdateUser(ctx, l.config, l.data, id, in)
}

func (l localAccounts) DisableUser(ctx context.Context, id string) error {
	return app.DisableUser(ctx, l.config, l.data, id)
}

func (l localAccounts) ResetPassword(ctx context.Context, email, password string) error {
	return app.ResetUserPassword(ctx, l.config, l.data, email, password)
}

func (l localAccounts) Tokens(ctx context.Context) ([]sitrep.APIToken, error) {
	return app.ListTokens(ctx, l.config, l.data)
}

func (l localAccounts) CreateToken(ctx context.Context, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error) {
	return app.CreateToken(ctx, l.config, l.data, name, role, expires)
}

func (l localAccounts) RevokeToken(ctx context.Context, id string) error {
	return app.RevokeToken(ctx, l.config, l.data, id)
}

// findUser resolves what a user typed where a user is expected: an ID or
// an email address (any case).
func findUser(users []sitrep.User, ref string) (*sitrep.User, error) {
	ref = strings.TrimSpace(ref)
	for i := range users {
		if users[i].ID == ref || strings.EqualFold(users[i].Email, ref) {
			return &users[i], nil
		}
	}
	if strings.Contains(ref, "@") {
		return nil, sitrep.FieldErrorf(sitrep.ENOTFOUND, "email", "no user with email %s", strings.ToLower(ref))
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no user with id or email %q; 'sitrep user list' shows them", ref)
}

// acctModeHelp is shown by -h of every user and token verb.
const acctModeHelp = `Two ways to run it:
  remote  with --url URL, or SITREP_URL set: through that running server's API, as
          the admin whose token is in SITREP_TOKEN (or --token).
  local   otherwise: directly on the data directory (--config/--data, the same
          flags and SITREP_CONFIG/SITREP_DATA as serve), on the server's host, as
          the user that runs sitrep. --config or --data on the command line wins
          over SITREP_URL.
`

// acctFlags are the flags that choose the backend of a user or token verb.
type acctFlags struct {
	local      *localFlags
	url, token string
	fs         *flag.FlagSet
	env        *cliEnv
	remote     bool // set by backend
}

// addAcctFlags adds --url/--token and --config/--data to fs, and a usage
// that explains the two modes.
func addAcctFlags(fs *flag.FlagSet, env *cliEnv, usage string) *acctFlags {
	af := &acctFlags{local: addLocalFlags(fs, env), fs: fs, env: env}
	// Neither default comes from the environment: SITREP_URL is read after
	// parsing so that the command can tell a flag from the environment, and
	// SITREP_TOKEN so that -h never prints it.
	fs.StringVar(&af.url, "url", "", "act through the running sitrep at this base URL (default: env SITREP_URL); not with --config/--data")
	fs.StringVar(&af.token, "token", "", "an admin's API token, with --url (default: env SITREP_TOKEN)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: %s %s\n\n%s\nFlags:\n", fs.Name(), usage, acctModeHelp)
		fs.PrintDefaults()
	}
	return af
}

// errNoAdminToken says how to get a token for remote mode, and that there
// is a way without one.
var errNoAdminToken = errors.New("no API token for --url: set SITREP_TOKEN (or pass --token) to an admin token, such as the one printed at the server's first start or SITREP_ADMIN_TOKEN; or run on the server's host with --data instead of --url")

// backend picks the mode from the flags given and the environment; a
// usage mistake is printed and returned as exit status 2.
func (af *acctFlags) backend() (accountsBackend, error) {
	set := map[string]bool{}
	af.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["url"] && (set["config"] || set["data"]) {
		var local []string
		for _, n := range []string{"config", "data"} {
			if set[n] {
				local = append(local, "--"+n)
			}
		}
		both := strings.Join(local, " and ")
		fmt.Fprintf(af.fs.Output(), "%s: --url and %s cannot be used together: drop %s to act through the server at %s, or drop --url to act on the local data directory\n",
			af.fs.Name(), both, both, af.url)
		return nil, exitError{2}
	}
	base := af.url
	switch {
	case set["url"] && strings.TrimSpace(base) == "":
		fmt.Fprintf(af.fs.Output(), "%s: --url is empty; give the server's base URL, e.g. --url http://127.0.0.1:8080, or leave --url out to act on the local data directory\n", af.fs.Name())
		return nil, exitError{2}
	case !set["url"] && !set["config"] && !set["data"]:
		base = af.env.getenv("SITREP_URL")
	}
	if base == "" {
		if set["token"] {
			fmt.Fprintf(af.fs.Output(), "%s: --token is for acting through a server; give --url too (or set SITREP_URL), or drop --token to act on the local data directory\n", af.fs.Name())
			return nil, exitError{2}
		}
		return localAccounts{config: af.local.config, data: af.local.data}, nil
	}
	token := af.token
	if token == "" {
		token = af.env.getenv("SITREP_TOKEN")
	}
	if strings.TrimSpace(token) == "" {
		return nil, errNoAdminToken
	}
	af.remote = true
	return remoteAccounts{client.New(base, token, nil)}, nil
}

// explain says what to do about a refusal for want of a role; the server's
// message stays in the text and its code in the chain.
func (af *acctFlags) explain(err error) error {
	if err == nil || !af.remote {
		return err
	}
	switch sitrep.ErrorCode(err) {
	case sitrep.EFORBIDDEN:
		return fmt.Errorf("this needs the admin role (the server says: %w); use an admin's token in SITREP_TOKEN or --token, or run on the server's host with --data instead of --url", err)
	}
	return err
}
