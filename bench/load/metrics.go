package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sample is one scrape of /metrics: every series by its full name with
// labels, e.g. `sitrep_checks_total{outcome="up",type="http"}`.
type sample map[string]float64

func scrape(ctx context.Context, client *http.Client, base string) (sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("scrape metrics: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape metrics: status %d", resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads the Prometheus text format far enough for the harness:
// sample lines, no escapes inside label values beyond what sitrep emits.
func parseMetrics(r io.Reader) (sample, error) {
	s := sample{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var name, rest string
		if i := strings.IndexByte(line, '{'); i >= 0 {
			j := strings.LastIndexByte(line, '}')
			if j < i {
				continue
			}
			name, rest = line[:j+1], line[j+1:]
		} else {
			name, rest, _ = strings.Cut(line, " ")
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		s[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parse metrics: %w", err)
	}
	return s, nil
}

// sum adds every series of one metric name, whatever its labels.
func (s sample) sum(name string) float64 {
	var t float64
	for k, v := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			t += v
		}
	}
	return t
}

// has reports whether any series of the name is present.
func (s sample) has(name string) bool {
	for k := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			return true
		}
	}
	return false
}

type bucket struct {
	le    float64
	count float64
}

// buckets returns a histogram's cumulative buckets (summed over other labels)
// in the window between two scrapes; prev may be nil.
func buckets(cur, prev sample, name string) []bucket {
	byLE := map[float64]float64{}
	for k, v := range cur {
		if !strings.HasPrefix(k, name+"_bucket{") {
			continue
		}
		le, ok := labelValue(k, "le")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(le, 64)
		if err != nil {
			continue
		}
		byLE[f] += v - prev[k]
	}
	out := make([]bucket, 0, len(byLE))
	for le, c := range byLE {
		out = append(out, bucket{le, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].le < out[j].le })
	return out
}

func labelValue(series, label string) (string, bool) {
	i := strings.Index(series, label+`="`)
	if i < 0 {
		return "", false
	}
	rest := series[i+len(label)+2:]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// quantile estimates quantile q from cumulative buckets the way PromQL's
// histogram_quantile does: linear within the bucket, and the highest finite
// bound when q falls in +Inf. ok is false when the window holds no
// observations.
func quantile(q float64, bs []bucket) (d time.Duration, ok bool) {
	if len(bs) == 0 || bs[len(bs)-1].count <= 0 {
		return 0, false
	}
	total := bs[len(bs)-1].count
	rank := q * total
	lowerLE, lowerCount := 0.0, 0.0
	for _, b := range bs {
		if b.count >= rank {
			if math.IsInf(b.le, 1) {
				return secsDur(lowerLE), true
			}
			if b.count == lowerCount {
				return secsDur(b.le), true
			}
			v := lowerLE + (b.le-lowerLE)*(rank-lowerCount)/(b.count-lowerCount)
			return secsDur(v), true
		}
		lowerLE, lowerCount = b.le, b.count
	}
	return secsDur(lowerLE), true
}

func secsDur(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
