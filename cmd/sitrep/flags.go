package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

var errHelp = errors.New("help shown")

// newFlags returns a FlagSet that reports errors instead of exiting, so
// commands stay testable in-process.
func newFlags(name string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet("sitrep "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

// parse parses args; -h prints usage and ends the command successfully.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	if err != nil {
		return exitError{2}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), strings.Join(fs.Args(), " "))
		return exitError{2}
	}
	return nil
}

// envOr returns the environment variable's value, or def when it is unset.
func envOr(env *cliEnv, name, def string) string {
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

// localFlags are the flags every command that reads the config or the data
// directory takes, with the same environment fallbacks as serve.
type localFlags struct {
	config, data string
}

func addLocalFlags(fs *flag.FlagSet, env *cliEnv) *localFlags {
	lf := &localFlags{}
	fs.StringVar(&lf.config, "config", env.getenv("SITREP_CONFIG"), "config file (env SITREP_CONFIG; default ./sitrep.yaml, created with a starter when missing)")
	fs.StringVar(&lf.data, "data", envOr(env, "SITREP_DATA", "sitrep-data"), "data directory for the embedded database (env SITREP_DATA)")
	return lf
}
