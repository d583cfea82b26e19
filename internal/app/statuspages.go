package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"sync"
	"sync/atomic"

	"sitrep"
	"sitrep/internal/config"
	"sitrep/internal/statusengine"
)

// catalog turns the declared components and pages into what the status
// engine runs on.
func catalog(cfg *config.Config, listen string) statusengine.Catalog {
	pages := cfg.EffectivePages()
	cat := statusengine.Catalog{
		Components: cfg.Components,
		Pages:      make([]sitrep.Page, len(pages)),
		Automation: cfg.Incidents,
		Reminders:  cfg.MaintenanceReminders,
		PublicURL:  cfg.BaseURL(listen),
	}
	for i, p := range pages {
		cat.Pages[i] = p.Page
	}
	return cat
}

// pageService is the status engine as the web layer sees it, plus the page
// passwords from the config file, which the engine has no business holding.
type pageService struct {
	*statusengine.Engine
	passwords atomic.Pointer[map[string][sha256.Size]byte]
}

var _ sitrep.PagePasswordChecker = (*pageService)(nil)

func (p *pageService) setPasswords(pages []config.PageConfig) {
	m := make(map[string][sha256.Size]byte)
	for _, pg := range pages {
		if pg.Password != "" {
			m[pg.Slug] = sha256.Sum256([]byte(pg.Password))
		}
	}
	p.passwords.Store(&m)
}

// CheckPagePassword compares digests in constant time, so neither the
// password nor its length leaks through timing.
func (p *pageService) CheckPagePassword(slug, password string) bool {
	want, ok := (*p.passwords.Load())[slug]
	got := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1 && ok
}

// exporters keep each page's export_dir a current static copy, rewritten
// whenever the page's version changes, so the page can be served from
// elsewhere while the main infrastructure is down.
type exporters struct {
	export func(ctx context.Context, slug, dir string) error
	pages  sitrep.StatusPageService
	log    interface {
		Error(msg string, args ...any)
		Info(msg string, args ...any)
	}

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// set replaces the running exporters with one per page that has an export_dir.
func (x *exporters) set(ctx context.Context, pages []config.PageConfig) {
	x.stop()
	x.mu.Lock()
	defer x.mu.Unlock()
	ctx, x.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, p := range pages {
		if p.ExportDir == "" {
			continue
		}
		x.wg.Add(1)
		go func() {
			defer x.wg.Done()
			x.run(ctx, p.Slug, p.ExportDir)
		}()
	}
}

func (x *exporters) run(ctx context.Context, slug, dir string) {
	versions, cancel := x.pages.Subscribe(slug)
	defer cancel()
	var done uint64
	for {
		// Export first, then wait: the copy is made at start even before
		// anything changes.
		snap, err := x.pages.PageFor(ctx, "", slug)
		if err == nil && snap.Version != done {
			if err := x.export(ctx, slug, dir); err != nil {
				x.log.Error("export status page", "page", slug, "dir", dir, "err", err)
			} else {
				done = snap.Version
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-versions:
		}
	}
}

func (x *exporters) stop() {
	x.mu.Lock()
	cancel := x.cancel
	x.cancel = nil
	x.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	x.wg.Wait()
}
