package config

import (
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

func (d *decoder) storage(v *values) Storage {
	st := Storage{
		Driver:        v.str("driver"),
		Path:          d.path(v.str("path")),
		URL:           v.str("url"),
		Budget:        v.size("budget"),
		MinFreeDisk:   v.size("min_free_disk"),
		FlushInterval: v.dur("flush_interval"),
	}
	switch st.Driver {
	case "sqlite":
		if v.has("url") {
			d.p.at(v.m["url"].key, "url: only for driver postgres; for sqlite set path, or set driver: postgres")
		}
	case "postgres":
		if v.has("path") {
			d.p.at(v.m["path"].key, "path: only for driver sqlite; postgres is reached through url")
		}
		switch {
		case !v.has("url") || strings.TrimSpace(st.URL) == "":
			d.p.at(v.at("driver"), "storage: driver postgres needs url, e.g. url: ${DATABASE_URL}")
		case strings.Contains(st.URL, "://"):
			u, err := url.Parse(st.URL)
			if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				// The URL may hold a password: do not repeat it.
				d.p.at(v.at("url"), "url: not a PostgreSQL URL; write postgres://user@host:5432/dbname")
			}
		}
	}
	return st
}

// path makes a path from the file absolute, relative to the file's
// directory, so that it does not depend on where sitrep was started.
func (d *decoder) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

func (d *decoder) defaults(v *values) MonitorDefaults {
	def := MonitorDefaults{
		Interval:       v.dur("interval"),
		Timeout:        v.dur("timeout"),
		FailuresToDown: v.integer("failures_to_down"),
		SuccessesToUp:  v.integer("successes_to_up"),
	}
	if !v.has("timeout") {
		def.Timeout = min(defaultTimeout, def.Interval)
	} else if def.Timeout > def.Interval {
		d.p.at(v.at("timeout"), "timeout: %s is longer than the interval %s; a check must end before the next one starts",
			formatDuration(def.Timeout), formatDuration(def.Interval))
	}
	return def
}

const defaultTimeout = 10 * time.Second
