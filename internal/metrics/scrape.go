package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sitrep"
)

// scrapeTimeout bounds the storage query a scrape makes: Prometheus gives up
// after its own timeout anyway, and a slow database must not pile up scrapes.
const scrapeTimeout = 5 * time.Second

// scrapeCollector asks for storage usage and monitor states at scrape time,
// so the figures are never staler than the scrape itself.
type scrapeCollector struct {
	usage    func(ctx context.Context) (sitrep.Usage, error)
	monitors func() map[sitrep.State]int

	bytes, budget, ratio, free, lowDisk, monitorsByState *prometheus.Desc
}

func newScrapeCollector(usage func(ctx context.Context) (sitrep.Usage, error), monitors func() map[sitrep.State]int) *scrapeCollector {
	return &scrapeCollector{
		usage:           usage,
		monitors:        monitors,
		bytes:           prometheus.NewDesc("sitrep_storage_bytes", "Bytes storage takes.", nil, nil),
		budget:          prometheus.NewDesc("sitrep_storage_budget_bytes", "Configured storage budget in bytes.", nil, nil),
		ratio:           prometheus.NewDesc("sitrep_storage_budget_ratio", "Storage bytes as a fraction of the budget.", nil, nil),
		free:            prometheus.NewDesc("sitrep_disk_free_bytes", "Free bytes on the file system holding the data (-1 if unknown).", nil, nil),
		lowDisk:         prometheus.NewDesc("sitrep_storage_low_disk", "1 while free disk is below the safety floor and raw results are dropped.", nil, nil),
		monitorsByState: prometheus.NewDesc("sitrep_monitors", "Monitors by current state.", []string{"state"}, nil),
	}
}

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.bytes, c.budget, c.ratio, c.free, c.lowDisk, c.monitorsByState} {
		ch <- d
	}
}

func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	if c.usage != nil {
		// The Collector interface carries no context; bound the call instead.
		ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
		u, err := c.usage(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.bytes, fmt.Errorf("read storage usage: %w", err))
		} else {
			ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(u.Bytes))
			ch <- prometheus.MustNewConstMetric(c.budget, prometheus.GaugeValue, float64(u.Budget))
			ratio := 0.0
			if u.Budget > 0 {
				ratio = float64(u.Bytes) / float64(u.Budget)
			}
			ch <- prometheus.MustNewConstMetric(c.ratio, prometheus.GaugeValue, ratio)
			ch <- prometheus.MustNewConstMetric(c.free, prometheus.GaugeValue, float64(u.DiskFree))
			low := 0.0
			if u.LowDisk {
				low = 1
			}
			ch <- prometheus.MustNewConstMetric(c.lowDisk, prometheus.GaugeValue, low)
		}
	}
	if c.monitors != nil {
		counts := c.monitors()
		// Every state is always present so that alerts on a zero value work.
		for _, s := range sitrep.States {
			ch <- prometheus.MustNewConstMetric(c.monitorsByState, prometheus.GaugeValue, float64(counts[s]), string(s))
		}
	}
}
