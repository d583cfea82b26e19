package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"sitrep"
	"sitrep/internal/config"
	"sitrep/internal/sqlstore"
)

// MonitorInfo is one line of `sitrep monitors`.
type MonitorInfo struct {
	ID       string
	Name     string
	Type     sitrep.MonitorType
	Target   string
	Interval string
	// PingPath is /ping/TOKEN for heartbeat monitors.
	PingPath string
}

// ListMonitors reads the declared monitors and, for heartbeats, their ping
// tokens from storage (creating a token the first time, exactly as serve
// would, so the URL printed here is the one that will work).
func ListMonitors(ctx context.Context, configPath, dataDir string) ([]MonitorInfo, error) {
	if configPath == "" {
		configPath = DefaultConfigFile
	}
	if dataDir == "" {
		dataDir = DefaultDataDir
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	var store *sqlstore.Store
	for _, m := range cfg.Monitors {
		if m.Type == sitrep.MonitorHeartbeat {
			store, err = openStore(ctx, cfg, dataDir, slog.New(slog.DiscardHandler))
			if err != nil {
				return nil, err
			}
			defer store.Close()
			break
		}
	}
	infos := make([]MonitorInfo, 0, len(cfg.Monitors))
	for _, m := range cfg.Monitors {
		info := MonitorInfo{ID: m.ID, Name: m.Name, Type: m.Type, Target: m.Target(), Interval: m.Interval.String()}
		if m.Heartbeat != nil {
			token, err := store.HeartbeatToken(ctx, m.ID, m.Heartbeat.Token)
			if err != nil {
				return nil, fmt.Errorf("heartbeat token of %s: %w", m.ID, err)
			}
			info.PingPath = "/ping/" + token
			info.Target = fmt.Sprintf("every %s, grace %s", m.Heartbeat.Every, m.Heartbeat.Grace)
			info.Interval = m.Heartbeat.Every.String()
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// openStore opens the configured storage; the SQLite file lives in the data
// directory unless storage.path says otherwise.
func openStore(ctx context.Context, cfg *config.Config, dataDir string, logger *slog.Logger) (*sqlstore.Store, error) {
	path := cfg.Storage.Path
	if path == "" {
		path = filepath.Join(dataDir, "sitrep.db")
	}
	if cfg.Storage.Driver != "postgres" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	store, err := sqlstore.Open(ctx, sqlstore.Options{
		Driver: cfg.Storage.Driver, Path: path, URL: cfg.Storage.URL,
		Budget: cfg.Storage.Budget, MinFreeDisk: cfg.Storage.MinFreeDisk,
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	return store, nil
}
