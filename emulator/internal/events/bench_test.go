package events_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// BenchmarkWebhookLatency measures how soon a delivery reaches a loopback
// receiver after the change that caused it: from the moment the API
// request that changed the world is sent (so the request's own work is
// counted too) to the moment the receiver's handler starts. The target is a p50 within 5 ms; the benchmark reports
// p50 and p99 in milliseconds.
func BenchmarkWebhookLatency(b *testing.B) {
	srv := emutest.New(b, emulator.Config{})
	arrived := make(chan time.Time, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- time.Now()
	}))
	defer rcv.Close()
	emutest.WantJSON(b, srv.API(b, http.MethodPost, "/webhook_endpoints",
		map[string]any{"endpoint_url": rcv.URL, "events": []string{"organization.updated"}}), http.StatusCreated)
	org := emutest.WantJSON(b, srv.API(b, http.MethodPost, "/organizations", map[string]any{"name": "Latency"}), http.StatusCreated)["id"].(string)
	var lat []time.Duration
	for b.Loop() {
		changed := time.Now() // an upper bound: the change commits during the request
		res := srv.API(b, http.MethodPut, "/organizations/"+org, map[string]any{"name": "Latency"})
		if res.Status != http.StatusOK {
			b.Fatalf("update: %d", res.Status)
		}
		lat = append(lat, (<-arrived).Sub(changed))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}
