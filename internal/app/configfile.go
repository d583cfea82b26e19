package app

import (
	"errors"
	"fmt"
	"os"

	"sitrep/internal/config"
)

// ensureConfig resolves the config path. Only the default path is created
// when missing: a file the user named explicitly and that is not there is a
// mistake worth stopping for, not something to paper over with a starter.
func ensureConfig(path, selfAddr string) (resolved string, created bool, err error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", false, fmt.Errorf("config %s does not exist; create it, or run without --config to get a starter %s", path, DefaultConfigFile)
			}
			return "", false, fmt.Errorf("config %s: %w", path, err)
		}
		return path, false, nil
	}
	path = DefaultConfigFile
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if errors.Is(err, os.ErrExist) {
		return path, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("write starter config: %w", err)
	}
	if _, err := f.Write(config.Starter(selfAddr)); err != nil {
		f.Close()
		return "", false, fmt.Errorf("write starter config %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", false, fmt.Errorf("write starter config %s: %w", path, err)
	}
	return path, true, f.Close()
}
