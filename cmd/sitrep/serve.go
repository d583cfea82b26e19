package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"sitrep/internal/app"
)

func runServe(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("serve", env)
	lf := addLocalFlags(fs, env)
	listen := fs.String("listen", envOr(env, "SITREP_LISTEN", app.DefaultListen), "address to listen on (env SITREP_LISTEN)")
	logLevel := fs.String("log-level", envOr(env, "SITREP_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env SITREP_LOG_LEVEL)")
	logFormat := fs.String("log-format", envOr(env, "SITREP_LOG_FORMAT", "text"), "log format: text or json (env SITREP_LOG_FORMAT)")
	debugListen := fs.String("debug-listen", env.getenv("SITREP_DEBUG_LISTEN"), "serve Go's profiler at /debug/pprof/ on this loopback address, e.g. 127.0.0.1:6060 (env SITREP_DEBUG_LISTEN; off by default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	logger, err := newLogger(env, *logLevel, *logFormat)
	if err != nil {
		return err
	}

	a := app.New(app.Options{
		ConfigPath: lf.config,
		DataDir:    lf.data,
		Listen:     *listen,
		Logger:     logger,
		Stdout:     env.stdout,
		Version:    version,
		AdminToken: env.getenv("SITREP_ADMIN_TOKEN"),
		SecretKey:  env.getenv("SITREP_SECRET_KEY"),

		DebugListen: *debugListen,
	})
	if err := a.Start(ctx); err != nil {
		return err
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			logger.Info("SIGHUP received; reloading config")
			_ = a.Reload(ctx) // a refused file is logged and the old config stays
			continue
		case <-ctx.Done():
		}
		break
	}
	logger.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return a.Stop(stopCtx)
}

func newLogger(env *cliEnv, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not a level; use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not a format; use text or json", format)
}
