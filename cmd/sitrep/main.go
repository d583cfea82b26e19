// Command sitrep watches services from the outside and reports what their
// users experience. `sitrep serve` runs the server; the other subcommands
// validate configuration or talk to a running server.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// Page time zones and recurring maintenance windows must work on hosts
	// without zoneinfo files (scratch containers, minimal images).
	_ "time/tzdata"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries an exit status; its message has already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// commands lists every subcommand with a one-line summary for `sitrep help`.
var commands = []struct {
	name, summary string
	run           func(ctx context.Context, args []string, env *cliEnv) error
}{
	{"serve", "run the server (zero configuration: writes sitrep.yaml and ./sitrep-data)", runServe},
	{"check", "validate a config file without starting anything", runCheck},
	{"config", "config schema: print the JSON Schema of the config file", runConfig},
	{"monitors", "list the declared monitors, with heartbeat ping URLs", runMonitors},
	{"status", "show the monitors of a running server as a table", runStatus},
	{"incident", "open, update, resolve, list and show incidents on a running server", runIncident},
	{"maintenance", "schedule, list, start, extend and complete maintenance windows", runMaintenance},
	{"ack", "acknowledge a staff alert on a running server: escalation and reminders stop", runAck},
	{"oncall", "show who is on call now in each schedule (or --schedule ID)", runOnCall},
	{"user", "list, create, set-role, disable users; reset-password (on --url, else on --config/--data)", runUser},
	{"token", "create, list and revoke API tokens (on --url, else on --config/--data)", runToken},
	{"export", "write a status page as static files, fetched from a running server", runExport},
	{"version", "print the version", runVersion},
}

// cliEnv is what a subcommand may touch, so tests can run commands in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], env)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.Is(err, errHelp):
			return 0
		default:
			fmt.Fprintf(stderr, "sitrep %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "sitrep: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sitrep <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'sitrep <command> -h' for the flags of a command.")
}
