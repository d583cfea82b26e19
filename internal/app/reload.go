package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"sitrep/internal/config"
)

// Reload reads the config file again and applies its monitors without a
// restart. An invalid file is refused, with the same messages as
// `sitrep check`, and the running configuration stays in force. Storage
// settings are read once at start; a change to them is reported, not applied.
func (a *App) Reload(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	path := a.cfg.Path
	cfg, err := config.Load(path)
	if err != nil {
		var cerrs *config.Errors
		if errors.As(err, &cerrs) {
			for _, e := range cerrs.List {
				a.logger.Error("config refused; the running configuration stays in force", "error", e.Error())
			}
		} else {
			a.logger.Error("config refused; the running configuration stays in force", "error", err)
		}
		return fmt.Errorf("reload %s: %w", path, err)
	}
	if cfg.Hash == a.cfg.Hash {
		return nil
	}
	if cfg.Storage != a.cfg.Storage || cfg.Location != a.cfg.Location {
		a.logger.Warn("storage and location settings changed; they take effect at the next restart")
		cfg.Storage, cfg.Location = a.cfg.Storage, a.cfg.Location
	}
	if err := a.engine.SetMonitors(ctx, cfg.Monitors); err != nil {
		return fmt.Errorf("apply %s: %w", path, err)
	}
	if err := a.status.SetCatalog(ctx, catalog(cfg, a.ln.Addr().String())); err != nil {
		return fmt.Errorf("apply components and pages of %s: %w", path, err)
	}
	if err := a.notif.reload(cfg, cfg.BaseURL(a.ln.Addr().String())); err != nil {
		return fmt.Errorf("apply channels of %s: %w", path, err)
	}
	a.pages.setPasswords(cfg.EffectivePages())
	a.exporters.set(ctx, cfg.EffectivePages())
	a.logger.Info("config reloaded", "file", path, "monitors", len(cfg.Monitors))
	a.cfg = cfg
	return nil
}

// watchConfig reloads when the file's content changes. Polling is dull
// but survives what editors do (write in place, rename over, symlink swaps
// in Kubernetes ConfigMaps) where file-event watchers miss updates. It
// stats the file each time and reads it only when its size or time
// changed, so a large config costs nothing while it stays as it is.
func (a *App) watchConfig(ctx context.Context, path string) {
	last := fileHash(path)
	lastStat := statKey(path)
	t := time.NewTicker(a.opts.WatchInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := statKey(path)
		if st == lastStat {
			continue
		}
		lastStat = st
		h := fileHash(path)
		if h == "" || h == last {
			continue
		}
		last = h
		a.logger.Info("config file changed; reloading", "file", path)
		_ = a.Reload(ctx) // Reload logs its own refusal
	}
}

// statKey identifies a version of the file cheaply: size and modification
// time (through symlinks, as ConfigMaps use them).
func statKey(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano())
}

func fileHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
