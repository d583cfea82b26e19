package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestUserAndTokenCommands(t *testing.T) {
	cfg := writeFile(t, "sitrep.yaml", "monitors:\n  - {id: web, type: http, url: http://127.0.0.1:1/}\n")
	local := []string{"--config", cfg, "--data", filepath.Join(t.TempDir(), "data")}
	runIn := func(stdin string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		env := append(args[:len(args):len(args)], local...)
		code := run(context.Background(), env, strings.NewReader(stdin), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	var tokenID string
	steps := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string // regexp
		stderr string // substring
	}{
		{name: "create needs stdin password", args: []string{"user", "create", "--email", "ada@example.com", "--role", "admin"},
			code: 2, stderr: "--password-stdin is required"},
		{name: "create needs role", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "ada@example.com", "--password-stdin"},
			code: 2, stderr: "--role is required"},
		{name: "create weak password", stdin: "password1234\n", args: []string{"user", "create", "--email", "ada@example.com", "--role", "admin", "--password-stdin"},
			code: 1, stderr: "sitrep user: password: this password is one of the most commonly used ones"},
		{name: "create bad role", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "ada@example.com", "--role", "root", "--password-stdin"},
			code: 1, stderr: `role: unknown role "root"; valid: admin, responder, viewer`},
		{name: "create", stdin: "correct horse battery\r\n", args: []string{"user", "create", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin", "--password-stdin"},
			stdout: `^Created admin ada@example.com \(id [a-z0-9]{16}\)\.\n$`},
		{name: "create twice", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "ada@example.com", "--role", "viewer", "--password-stdin"},
			code: 1, stderr: "exists already"},
		{name: "list", args: []string{"user", "list"},
			stdout: `(?m)^ID +EMAIL +ROLE +2FA +STATUS +LAST SIGN-IN +NAME\n[a-z0-9]{16} +ada@example.com +admin +no +active +never +Ada$`},
		{name: "create viewer", stdin: "correct horse battery\n", args: []string{"user", "create", "--email", "bob@example.com", "--role", "viewer", "--password-stdin"},
			stdout: `^Created viewer bob@example.com`},
		{name: "set-role", args: []string{"user", "set-role", "bob@example.com", "--role", "responder"},
			stdout: `^bob@example.com is now responder, was viewer \(id [a-z0-9]{16}\)\.\n$`},
		{name: "set-role unchanged as JSON", args: []string{"user", "set-role", "Bob@Example.com", "--role", "responder", "--json"},
			stdout: `"role": "responder"`},
		{name: "set-role of the last admin", args: []string{"user", "set-role", "ada@example.com", "--role", "viewer"},
			code: 1, stderr: "this is the last active admin"},
		{name: "set-role unknown", args: []string{"user", "set-role", "nobody", "--role", "viewer"},
			code: 1, stderr: `no user with id or email "nobody"`},
		{name: "disable the last admin", args: []string{"user", "disable", "ada@example.com"},
			code: 1, stderr: "this is the last active admin"},
		{name: "disable", args: []string{"user", "disable", "bob@example.com"},
			stdout: `^Disabled bob@example.com \(id [a-z0-9]{16}\); their sessions were ended\.\n$`},
		{name: "list shows disabled", args: []string{"user", "list"},
			stdout: `(?m)^[a-z0-9]{16} +bob@example.com +responder +no +disabled +never *$`},
		{name: "reset password", stdin: "another long password\n", args: []string{"user", "reset-password", "--email", "ada@example.com", "--password-stdin"},
			stdout: "sessions were ended"},
		{name: "reset password unknown", stdin: "another long password\n", args: []string{"user", "reset-password", "--email", "zed@example.com", "--password-stdin"},
			code: 1, stderr: "no user with email zed@example.com"},
		{name: "reset password short", stdin: "short\n", args: []string{"user", "reset-password", "--email", "ada@example.com", "--password-stdin"},
			code: 1, stderr: "at least 12 characters"},
		{name: "token bad expiry", args: []string{"token", "create", "--name", "ci", "--role", "viewer", "--expires", "soon"},
			code: 2, stderr: "--expires: cannot read \"soon\""},
		{name: "token create", args: []string{"token", "create", "--name", "ci", "--role", "viewer", "--expires", "90d"},
			stdout: `^sitrep_[A-Za-z0-9_-]{43}\n$`, stderr: "It is shown only now"},
		{name: "token list", args: []string{"token", "list"},
			stdout: `(?m)^[a-z0-9]{16} +ci +viewer +\S+ \S+ +\S+ \S+ +never +cli$`},
		{name: "token revoke unknown", args: []string{"token", "revoke", "nope"}, code: 1, stderr: `no API token with id "nope"`},
		{name: "token revoke", args: []string{"token", "revoke", "ID"}, stdout: "revoked"},
		{name: "token list empty", args: []string{"token", "list", "--json"}, stdout: `^\[\]\n$`},
		{name: "unknown verb", args: []string{"user", "delete"}, code: 2, stderr: "valid: list, create, set-role, disable, reset-password"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			args := s.args
			if len(args) == 3 && args[2] == "ID" {
				args = []string{"token", "revoke", tokenID}
			}
			code, stdout, stderr := runIn(s.stdin, args...)
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
			if s.name == "token list" {
				_, out, _ := runIn("", "token", "list", "--json")
				var list []struct{ ID, Name string }
				if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Name != "ci" {
					t.Fatalf("token list --json = %s, %v", out, err)
				}
				tokenID = list[0].ID
			}
		})
	}
}
