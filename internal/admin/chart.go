package admin

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// bucket is the results of one slice of a chart's time range.
type bucket struct {
	Start      time.Time
	LatencySum time.Duration
	Good       int // up or degraded: their latency counts
	Bad        int // down
}

func (b bucket) Mean() time.Duration {
	if b.Good == 0 {
		return 0
	}
	return b.LatencySum / time.Duration(b.Good)
}

func (b bucket) Count() int { return b.Good + b.Bad }

// bucketize spreads raw results and rollups over n equal slices of
// [From, To). A rollup lands in the slice of its start: rollups are coarse
// only where the range is long, so a slice is never much shorter than one.
func bucketize(rs *sitrep.ResultSet, n int) []bucket {
	span := rs.To.Sub(rs.From)
	if n <= 0 || span <= 0 {
		return nil
	}
	out := make([]bucket, n)
	step := span / time.Duration(n)
	if step <= 0 {
		step = 1
	}
	for i := range out {
		out[i].Start = rs.From.Add(time.Duration(i) * step)
	}
	// Integer nanoseconds: this loop runs once per result, and time.Time
	// comparisons cost several times more.
	from, to, stepN := rs.From.UnixNano(), rs.To.UnixNano(), int64(step)
	index := func(t time.Time) int {
		ns := t.UnixNano()
		if ns < from || ns >= to {
			return -1
		}
		return min(int((ns-from)/stepN), n-1)
	}
	for _, ru := range rs.Rollups {
		if i := index(ru.Start); i >= 0 {
			out[i].LatencySum += ru.LatencySum
			out[i].Good += ru.Up + ru.Degraded
			out[i].Bad += ru.Down
		}
	}
	for k := range rs.Raw {
		res := &rs.Raw[k]
		i := index(res.Time)
		if i < 0 {
			continue
		}
		if res.Status == sitrep.ResultDown {
			out[i].Bad++
		} else {
			out[i].Good++
			out[i].LatencySum += res.Latency
		}
	}
	return out
}

// Chart geometry in viewBox units; CSS scales the drawing to the screen.
const (
	chartW, chartH       = 720, 220
	padL, padR           = 56, 8
	padT, padB           = 10, 26
	chartPoints          = 240
	plotW, plotH         = chartW - padL - padR, chartH - padT - padB
	chartTableRows       = 24
	minChartLatencyScale = time.Millisecond
)

// latencyChart draws mean latency per slice as a line, with failures
// marked along the bottom. It is built by hand, not by a template, because
// it is the page's hot path: a month of minute results makes many points.
// Every piece of text in it is escaped.
func latencyChart(rs *sitrep.ResultSet, title string, loc *time.Location) template.HTML {
	bs := bucketize(rs, chartPoints)
	var top time.Duration
	for _, b := range bs {
		if m := b.Mean(); m > top {
			top = m
		}
	}
	top = niceCeil(top)
	b := make([]byte, 0, 16<<10)
	b = append(b, `<svg class="chart" viewBox="0 0 720 220" role="img" aria-labelledby="chart-t chart-d" preserveAspectRatio="none"><title id="chart-t">`...)
	b = append(b, template.HTMLEscapeString(title)...)
	b = append(b, `</title><desc id="chart-d">`...)
	b = append(b, template.HTMLEscapeString(chartDesc(bs, top, rs, loc))...)
	b = append(b, `</desc>`...)
	// Grid and labels: 0, half and the top of the scale.
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(padT) + float64(plotH)*(1-f)
		b = append(b, `<line class="grid" x1="56" x2="712" y1="`...)
		b = strconv.AppendFloat(b, y, 'f', 1, 64)
		b = append(b, `" y2="`...)
		b = strconv.AppendFloat(b, y, 'f', 1, 64)
		b = append(b, `"/><text class="axis" x="50" text-anchor="end" y="`...)
		b = strconv.AppendFloat(b, y+4, 'f', 1, 64)
		b = append(b, `">`...)
		b = append(b, fmtMS(time.Duration(float64(top)*f))...)
		b = append(b, `</text>`...)
	}
	b = append(b, `<text class="axis" x="56" y="216">`...)
	b = append(b, template.HTMLEscapeString(rs.From.In(loc).Format("2 Jan 15:04"))...)
	b = append(b, `</text><text class="axis" x="712" y="216" text-anchor="end">`...)
	b = append(b, template.HTMLEscapeString(rs.To.In(loc).Format("2 Jan 15:04"))...)
	b = append(b, `</text><path class="line" d="`...)
	dx := float64(plotW) / float64(len(bs))
	pen := false
	for i, bk := range bs {
		if bk.Good == 0 {
			pen = false // a gap in the data is a gap in the line
			continue
		}
		if pen {
			b = append(b, 'L')
		} else {
			b = append(b, 'M')
			pen = true
		}
		x := float64(padL) + dx*(float64(i)+0.5)
		y := float64(padT) + float64(plotH)*(1-float64(bk.Mean())/float64(top))
		b = strconv.AppendFloat(b, x, 'f', 1, 64)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, y, 'f', 1, 64)
	}
	b = append(b, `"/>`...)
	for i, bk := range bs {
		if bk.Bad == 0 {
			continue
		}
		b = append(b, `<rect class="fail" y="188" height="6" width="`...)
		b = strconv.AppendFloat(b, max(dx, 2), 'f', 1, 64)
		b = append(b, `" x="`...)
		b = strconv.AppendFloat(b, float64(padL)+dx*float64(i), 'f', 1, 64)
		b = append(b, `"/>`...)
	}
	b = append(b, `</svg>`...)
	return template.HTML(b) //nolint:gosec // fixed markup, numbers and escaped text only
}

func chartDesc(bs []bucket, top time.Duration, rs *sitrep.ResultSet, loc *time.Location) string {
	var good, bad int
	var sum, peak time.Duration
	for _, b := range bs {
		good += b.Good
		bad += b.Bad
		sum += b.LatencySum
		if m := b.Mean(); m > peak {
			peak = m
		}
	}
	var sb strings.Builder
	sb.WriteString("Mean response time from ")
	sb.WriteString(rs.From.In(loc).Format("2 Jan 2006 15:04"))
	sb.WriteString(" to ")
	sb.WriteString(rs.To.In(loc).Format("2 Jan 2006 15:04 MST"))
	sb.WriteString(". ")
	if good == 0 && bad == 0 {
		sb.WriteString("No results in this range.")
		return sb.String()
	}
	sb.WriteString(strconv.Itoa(good + bad))
	sb.WriteString(" results, ")
	sb.WriteString(strconv.Itoa(bad))
	sb.WriteString(" failed")
	if good > 0 {
		sb.WriteString("; average ")
		sb.WriteString(fmtMS(sum / time.Duration(good)))
		sb.WriteString(", highest ")
		sb.WriteString(fmtMS(peak))
	}
	sb.WriteString(". The table below has the figures.")
	return sb.String()
}

// niceCeil rounds a latency up to 1, 2 or 5 times a power of ten
// milliseconds, so the axis reads well.
func niceCeil(d time.Duration) time.Duration {
	if d < minChartLatencyScale {
		return minChartLatencyScale
	}
	step := time.Millisecond
	for {
		for _, m := range []time.Duration{1, 2, 5} {
			if d <= m*step {
				return m * step
			}
		}
		step *= 10
	}
}

func fmtMS(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms >= 100 || ms == float64(int64(ms)) {
		return strconv.FormatInt(int64(ms+0.5), 10) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
}

// dayRow is one day of a monitor's uptime.
type dayRow struct {
	Day                time.Time
	Up, Degraded, Down int
	Uptime             float64
	HasData            bool
}

// uptimeByDay counts results per local day of loc, newest day first.
func uptimeByDay(rs *sitrep.ResultSet, loc *time.Location, days int, now time.Time) []dayRow {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	out := make([]dayRow, days)
	for i := range out {
		out[i].Day = today.AddDate(0, 0, -i)
	}
	// Day starts as integers, found once: converting every result to local
	// time would cost more than the rest of the page.
	starts := make([]int64, days)
	for i := range out {
		starts[i] = out[i].Day.UnixNano()
	}
	end := today.AddDate(0, 0, 1).UnixNano()
	index := func(t time.Time) int {
		ns := t.UnixNano()
		if ns >= end {
			return -1
		}
		for i, s := range starts {
			if ns >= s {
				return i
			}
		}
		return -1
	}
	for _, ru := range rs.Rollups {
		if i := index(ru.Start); i >= 0 {
			out[i].Up += ru.Up
			out[i].Degraded += ru.Degraded
			out[i].Down += ru.Down
		}
	}
	for k := range rs.Raw {
		if i := index(rs.Raw[k].Time); i >= 0 {
			switch rs.Raw[k].Status {
			case sitrep.ResultDown:
				out[i].Down++
			case sitrep.ResultDegraded:
				out[i].Degraded++
			default:
				out[i].Up++
			}
		}
	}
	for i := range out {
		if n := out[i].Up + out[i].Degraded + out[i].Down; n > 0 {
			out[i].HasData = true
			out[i].Uptime = float64(out[i].Up+out[i].Degraded) / float64(n)
		}
	}
	return out
}
