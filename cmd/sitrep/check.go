package main

import (
	"context"
	"errors"
	"fmt"

	"sitrep/internal/config"
)

func runCheck(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("check", env)
	path := fs.String("config", envOr(env, "SITREP_CONFIG", "sitrep.yaml"), "config file to validate (env SITREP_CONFIG)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		var cerrs *config.Errors
		if errors.As(err, &cerrs) {
			for _, e := range cerrs.List {
				fmt.Fprintln(env.stderr, e.Error())
			}
			fmt.Fprintf(env.stderr, "%s: %d problem(s) found\n", *path, len(cerrs.List))
		} else {
			fmt.Fprintln(env.stderr, err)
		}
		return exitError{1}
	}
	fmt.Fprintf(env.stdout, "%s: ok (%d monitors)\n", cfg.Path, len(cfg.Monitors))
	return nil
}

func runConfig(ctx context.Context, args []string, env *cliEnv) error {
	if len(args) != 1 || args[0] != "schema" {
		fmt.Fprintln(env.stderr, "usage: sitrep config schema   (prints the JSON Schema of the config file)")
		return exitError{2}
	}
	_, err := env.stdout.Write(config.Schema())
	return err
}

func runVersion(ctx context.Context, args []string, env *cliEnv) error {
	fmt.Fprintf(env.stdout, "sitrep %s\n", version)
	return nil
}
