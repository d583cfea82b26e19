// Package browsertest starts headless Chromium for end-to-end tests of
// sitrep's pages, the one way every package does it.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// New starts headless Chromium for one test and returns a tab's context,
// bounded by timeout. Without a browser the test is skipped with the
// reason — unless SITREP_REQUIRE_BROWSER=1, as in CI, which fails it.
//
// The flags keep Chromium off the network it cannot reach here (background
// updates, sync, QUIC) and out of the sandbox that needs privileges tests
// do not have; each test gets a fresh profile.
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("SITREP_REQUIRE_BROWSER") == "1" {
			t.Fatalf("SITREP_REQUIRE_BROWSER=1 but no browser at %s: %v", ChromiumPath, err)
		}
		t.Skipf("no browser at %s (set SITREP_REQUIRE_BROWSER=1 to fail instead)", ChromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		// Chromium's helpers may still write into the profile for a
		// moment; removing the temp dir under them would fail the test.
		time.Sleep(200 * time.Millisecond)
	})
	return bctx
}
