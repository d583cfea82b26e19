package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/app"
)

const remoteAdminToken = "sitrep_cli-test-admin-token"

// startServer runs a real sitrep on a loopback port with a known admin
// token and returns its URL, its config and data, and a stop function.
func startServer(t *testing.T) (url, cfg, data string, stop func()) {
	t.Helper()
	cfg = writeFile(t, "sitrep.yaml", "monitors:\n  - {id: nothing-listens, type: tcp, address: 127.0.0.1:1, interval: 1h}\n")
	data = filepath.Join(t.TempDir(), "data")
	a := app.New(app.Options{ConfigPath: cfg, DataDir: data, Listen: "127.0.0.1:0", WatchInterval: -1, AdminToken: remoteAdminToken})
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			if err := a.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return "http://" + a.Addr().String(), cfg, data, stop
}

// runCLIIn is runCLI with standard input.
func runCLIIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestUserAndTokenCommandsRemote runs every user and token verb against a
// running server, then checks that the local mode prints the same lists
// from the same data.
func TestUserAndTokenCommandsRemote(t *testing.T) {
	t.Setenv("SITREP_URL", "")
	t.Setenv("SITREP_TOKEN", "")
	url, cfg, data, stop := startServer(t)
	admin := []string{"--url", url, "--token", remoteAdminToken}
	var viewerToken, tokenID, bobID string

	steps := []struct {
		name   string
		stdin  string
		args   []string
		auth   []string // appended to args; nil means admin
		code   int
		stdout string // regexp
		stderr string // substring
		check  func(t *testing.T, stdout string)
	}{
		{name: "list empty", args: []string{"user", "list", "--json"}, stdout: `^\[\]\n$`},
		{name: "create admin", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin", "--password-stdin"},
			stdout: `^Created admin ada@example.com \(id [a-z0-9]{16}\)\.\n$`},
		{name: "create viewer as JSON", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "bob@example.com", "--role", "viewer", "--password-stdin", "--json"},
			check: func(t *testing.T, stdout string) {
				var u userOut
				if err := json.Unmarshal([]byte(stdout), &u); err != nil || u.Email != "bob@example.com" || u.Role != "viewer" || u.Name != "" {
					t.Fatalf("create --json = %s, %v", stdout, err)
				}
				bobID = u.ID
			}},
		{name: "create twice", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "ada@example.com", "--role", "viewer", "--password-stdin"},
			code: 1, stderr: "exists already"},
		{name: "create bad role names the field", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "cy@example.com", "--role", "root", "--password-stdin"},
			code: 1, stderr: `sitrep user: role: unknown role "root"; valid: admin, responder, viewer`},
		{name: "create weak password names the field", stdin: "password1234\n", args: []string{"user", "create", "--email", "cy@example.com", "--role", "viewer", "--password-stdin"},
			code: 1, stderr: "sitrep user: password: this password is one of the most commonly used ones"},
		{name: "list", args: []string{"user", "list"},
			stdout: `(?m)^ID +EMAIL +ROLE +2FA +STATUS +LAST SIGN-IN +NAME\n[a-z0-9]{16} +ada@example.com +admin +no +active +never +Ada\n[a-z0-9]{16} +bob@example.com +viewer +no +active +never *$`},
		{name: "list as JSON", args: []string{"user", "list", "--json"}, check: func(t *testing.T, stdout string) {
			var list []map[string]any
			if err := json.Unmarshal([]byte(stdout), &list); err != nil || len(list) != 2 {
				t.Fatalf("user list --json = %s, %v", stdout, err)
			}
			want := []string{"created_at", "disabled", "email", "id", "last_login_at", "name", "role", "totp"}
			for _, u := range list {
				if keys := sortedKeys(u); !reflect.DeepEqual(keys, want) {
					t.Errorf("user keys %v, want %v", keys, want)
				}
			}
			if list[0]["email"] != "ada@example.com" || list[0]["last_login_at"] != nil || list[0]["totp"] != false || list[1]["id"] != bobID {
				t.Errorf("user list --json = %s", stdout)
			}
		}},
		{name: "set-role by email", args: []string{"user", "set-role", "BOB@example.com", "--role", "responder"},
			stdout: `^bob@example.com is now responder, was viewer \(id [a-z0-9]{16}\)\.\n$`},
		{name: "set-role by ID as JSON", args: []string{"user", "set-role", "BOB", "--role", "responder", "--json"},
			stdout: `"role": "responder"`},
		{name: "set-role bad role", args: []string{"user", "set-role", "bob@example.com", "--role", "boss"},
			code: 1, stderr: `role: unknown role "boss"`},
		{name: "set-role needs a role", args: []string{"user", "set-role", "bob@example.com"},
			code: 2, stderr: "--role is required"},
		{name: "set-role of the last admin", args: []string{"user", "set-role", "ada@example.com", "--role", "viewer"},
			code: 1, stderr: "this is the last active admin; make someone else admin first"},
		{name: "set-role unknown user", args: []string{"user", "set-role", "zed@example.com", "--role", "viewer"},
			code: 1, stderr: "sitrep user: email: no user with email zed@example.com"},
		{name: "disable unknown ID", args: []string{"user", "disable", "nope"},
			code: 1, stderr: `no user with id or email "nope"`},
		{name: "disable", args: []string{"user", "disable", "bob@example.com"},
			stdout: `^Disabled bob@example.com \(id [a-z0-9]{16}\); their sessions were ended\.\n$`},
		{name: "list shows disabled", args: []string{"user", "list"}, stdout: `(?m)^[a-z0-9]{16} +bob@example.com +responder +no +disabled +never *$`},
		{name: "reset password", stdin: "another long password\n", args: []string{"user", "reset-password", "--email", "ada@example.com", "--password-stdin"},
			stdout: `^Password of ada@example.com set; their sessions were ended\.\n$`},
		{name: "reset password unknown", stdin: "another long password\n", args: []string{"user", "reset-password", "--email", "zed@example.com", "--password-stdin"},
			code: 1, stderr: "email: no user with email zed@example.com"},
		{name: "reset password short", stdin: "short\n", args: []string{"user", "reset-password", "--email", "ada@example.com", "--password-stdin"},
			code: 1, stderr: "sitrep user: password: a password needs at least 12 characters"},
		{name: "reset password empty", stdin: "\n", args: []string{"user", "reset-password", "--email", "ada@example.com", "--password-stdin"},
			code: 1, stderr: "password: the new password is empty"},
		{name: "token create", args: []string{"token", "create", "--name", "ci", "--role", "viewer", "--expires", "90d"},
			stdout: `^sitrep_[A-Za-z0-9_-]{43}\n$`, stderr: "It is shown only now",
			check: func(t *testing.T, stdout string) { viewerToken = strings.TrimSpace(stdout) }},
		{name: "token create nameless", args: []string{"token", "create", "--name", " ", "--role", "viewer"},
			code: 2, stderr: "--name is required"},
		{name: "token list", args: []string{"token", "list"},
			stdout: `(?m)^ID +NAME +ROLE +CREATED +EXPIRES +LAST USED +CREATED BY\n[a-z0-9]{16} +ci +viewer +\S+ \S+ +\S+ \S+ +never +admin-token$`},
		{name: "token list as JSON", args: []string{"token", "list", "--json"}, check: func(t *testing.T, stdout string) {
			var list []map[string]any
			if err := json.Unmarshal([]byte(stdout), &list); err != nil || len(list) != 1 {
				t.Fatalf("token list --json = %s, %v", stdout, err)
			}
			want := []string{"created_at", "created_by", "expires_at", "id", "last_used_at", "name", "role"}
			if keys := sortedKeys(list[0]); !reflect.DeepEqual(keys, want) {
				t.Errorf("token keys %v, want %v", keys, want)
			}
			if list[0]["name"] != "ci" || list[0]["expires_at"] == nil || list[0]["created_by"] != "admin-token" {
				t.Errorf("token list --json = %s", stdout)
			}
			tokenID, _ = list[0]["id"].(string)
		}},
		{name: "viewer may not list users", args: []string{"user", "list"}, auth: []string{"VIEWER"},
			code: 1, stderr: "sitrep user: this needs the admin role (the server says: token:ci (role viewer) may not manage users); use an admin's token"},
		{name: "viewer may not create tokens", args: []string{"token", "create", "--name", "x", "--role", "admin"}, auth: []string{"VIEWER"},
			code: 1, stderr: "needs the admin role"},
		{name: "invalid token", args: []string{"token", "list"}, auth: []string{"--url", url, "--token", "sitrep_wrong"},
			code: 1, stderr: "invalid or expired token"},
		{name: "revoke", args: []string{"token", "revoke", "TOKEN"}, stdout: `^Token [a-z0-9]{16} revoked\.\n$`},
		{name: "revoke twice", args: []string{"token", "revoke", "TOKEN"}, code: 1, stderr: "no API token with id"},
		{name: "revoked token is refused", args: []string{"user", "list"}, auth: []string{"VIEWER"},
			code: 1, stderr: "invalid or expired token"},
		{name: "nothing listens at the URL", args: []string{"user", "list"}, auth: []string{"--url", "http://127.0.0.1:1", "--token", "x"},
			code: 1, stderr: "could not reach sitrep at http://127.0.0.1:1/api/v1/users"},
		{name: "URL that is not one", args: []string{"token", "list"}, auth: []string{"--url", "127.0.0.1:1", "--token", "x"},
			code: 1, stderr: `server URL "127.0.0.1:1": expected an absolute URL`},
		{name: "URL and data directory", args: []string{"user", "list"}, auth: []string{"--url", url, "--data", data},
			code: 2, stderr: "--url and --data cannot be used together: drop --data to act through the server at " + url + ", or drop --url"},
		{name: "URL and config", args: []string{"token", "list"}, auth: []string{"--config", cfg, "--url", url},
			code: 2, stderr: "drop --config to act through the server"},
		{name: "empty URL", args: []string{"token", "list"}, auth: []string{"--url", ""},
			code: 2, stderr: "--url is empty"},
		{name: "no token", args: []string{"user", "list"}, auth: []string{"--url", url},
			code: 1, stderr: "no API token for --url: set SITREP_TOKEN"},
		{name: "token without URL", args: []string{"user", "list"}, auth: []string{"--token", "x", "--data", data},
			code: 2, stderr: "--token is for acting through a server"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			args := slices.Clone(s.args)
			for i, a := range args {
				switch a {
				case "TOKEN":
					args[i] = tokenID
				case "BOB":
					args[i] = bobID
				}
			}
			switch {
			case s.auth == nil:
				args = append(args, admin...)
			case s.auth[0] == "VIEWER":
				args = append(args, "--url", url, "--token", viewerToken)
			default:
				args = append(args, s.auth...)
			}
			code, stdout, stderr := runCLIIn(s.stdin, args...)
			if code != s.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, s.code, stdout, stderr)
			}
			if s.stdout != "" && !regexp.MustCompile(s.stdout).MatchString(stdout) {
				t.Errorf("stdout %q does not match %q", stdout, s.stdout)
			}
			if s.stderr != "" && !strings.Contains(stderr, s.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, s.stderr)
			}
			if strings.Contains(stdout+stderr, "correct horse") || strings.Contains(stdout+stderr, "another long") {
				t.Error("a password was echoed")
			}
			if s.check != nil {
				s.check(t, stdout)
			}
		})
	}

	// The environment chooses the server when no flag chooses.
	t.Setenv("SITREP_URL", url)
	t.Setenv("SITREP_TOKEN", remoteAdminToken)
	code, remoteUsers, stderr := runCLIIn("", "user", "list", "--json")
	if code != 0 || !strings.Contains(remoteUsers, "bob@example.com") {
		t.Fatalf("user list with SITREP_URL: exit %d\n%s%s", code, remoteUsers, stderr)
	}
	_, remoteTokens, _ := runCLIIn("", "token", "list", "--json")

	// One formatter: the local mode prints the same from the same data.
	stop()
	t.Setenv("SITREP_URL", "")
	local := []string{"--config", cfg, "--data", data}
	_, localUsers, stderr := runCLIIn("", append([]string{"user", "list", "--json"}, local...)...)
	if localUsers != remoteUsers {
		t.Errorf("local user list differs from remote:\nlocal:\n%s%s\nremote:\n%s", localUsers, stderr, remoteUsers)
	}
	_, localTokens, _ := runCLIIn("", append([]string{"token", "list", "--json"}, local...)...)
	if localTokens != remoteTokens {
		t.Errorf("local token list differs from remote:\nlocal:\n%s\nremote:\n%s", localTokens, remoteTokens)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestAccountHelp: -h of every user and token verb explains both modes and
// never shows the token from the environment.
func TestAccountHelp(t *testing.T) {
	t.Setenv("SITREP_TOKEN", "sitrep_secret-token-value")
	t.Setenv("SITREP_URL", "http://127.0.0.1:1")
	var cmds [][]string
	for _, v := range userVerbs {
		cmds = append(cmds, []string{"user", v.name, "-h"})
	}
	for _, v := range tokenVerbs {
		cmds = append(cmds, []string{"token", v.name, "-h"})
	}
	cmds = append(cmds, []string{"user", "help"}, []string{"token", "--help"})
	for _, cmd := range cmds {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			code, stdout, stderr := runCLIIn("", cmd...)
			if code != 0 {
				t.Errorf("exit %d", code)
			}
			out := stdout + stderr
			if strings.Contains(out, "secret-token-value") {
				t.Errorf("help prints the token:\n%s", out)
			}
			for _, want := range []string{"remote  with --url URL, or SITREP_URL set", "local   otherwise: directly on the data directory"} {
				if !strings.Contains(out, want) {
					t.Errorf("help lacks %q:\n%s", want, out)
				}
			}
		})
	}
	_, stdout, _ := runCLIIn("", "help")
	for _, want := range []string{"user         ", "token        ", "--url"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("sitrep help lacks %q:\n%s", want, stdout)
		}
	}
}
