package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Data are the collectors of the reloadable data (directory and staff list):
// which version is loaded and how reloads went. Every method is safe on a nil *Data.
type Data struct {
	info    *prometheus.GaugeVec
	loaded  prometheus.Gauge
	staff   prometheus.Gauge
	reloads *prometheus.CounterVec
}

// Reload results, the label values of sozialraumbot_reloads_total.
const (
	ReloadOK     = "ok"
	ReloadFailed = "failed"
)

// NewData registers the data collectors on m's registry; nil for a nil m.
func NewData(m *Metrics) *Data {
	if m == nil {
		return nil
	}
	d := &Data{
		info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sozialraumbot_data_info",
			Help: "The directory data in use (always 1): SHA-256 of the data file (first 12 hex digits), its source_date and where it came from.",
		}, []string{"directory_sha256", "source_date", "directory_source"}),
		loaded: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sozialraumbot_data_loaded_timestamp_seconds",
			Help: "When the data in use (directory and staff list) was loaded, Unix time.",
		}),
		staff: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sozialraumbot_staff_members",
			Help: "Staff members in the staff list in use.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_reloads_total",
			Help: "Reloads of the directory and staff list (SIGHUP), by result (ok, failed).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(d.info, d.loaded, d.staff, d.reloads)
	// Both results exist from the start, so a rate() or an alert on "failed" works before the first failure.
	d.reloads.WithLabelValues(ReloadOK)
	d.reloads.WithLabelValues(ReloadFailed)
	return d
}

// Loaded records the data now in use; the previous version's series goes away.
func (d *Data) Loaded(directorySHA256, sourceDate, directorySource string, staff int, at time.Time) {
	if d == nil {
		return
	}
	d.info.Reset()
	d.info.WithLabelValues(directorySHA256, sourceDate, directorySource).Set(1)
	d.loaded.Set(float64(at.UnixNano()) / 1e9)
	d.staff.Set(float64(staff))
}

// Reload counts one reload with its result (ReloadOK or ReloadFailed).
func (d *Data) Reload(result string) {
	if d != nil {
		d.reloads.WithLabelValues(result).Inc()
	}
}
