package store

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestJournalSlots: oversized requests are cut to their slot (and marked
// truncated), the ring keeps the newest entries, and nothing is lost or
// corrupted at the slot boundaries.
func TestJournalSlots(t *testing.T) {
	j := &Journal{}
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	long := strings.Repeat("p", 2*journalSlot)
	for i := 0; i < journalCapacity+5; i++ {
		path, header := "/x", map[string][]string{"X-Index": {strconv.Itoa(i)}}
		body := []byte("body-" + strconv.Itoa(i))
		if i%100 == 0 {
			path = "/" + long
			header["X-Long"] = []string{long}
			body = []byte(long)
		}
		j.Add(at, "req-"+strconv.Itoa(i), http.MethodPost, path, "i="+strconv.Itoa(i), header, body, 200+i%3, nil)
	}
	list, dropped := j.List(RequestFilter{})
	if len(list) != journalCapacity || dropped != 5 {
		t.Fatalf("%d entries, %d dropped", len(list), dropped)
	}
	for k, e := range list {
		i := k + 5
		if e.Seq != uint64(i+1) || e.RequestID != "req-"+strconv.Itoa(i) || e.Status != 200+i%3 {
			t.Fatalf("entry %d: %+v", k, e)
		}
		if i%100 == 0 {
			if !e.Truncated || len(e.Path) > journalSlot {
				t.Fatalf("oversized entry %d not cut: truncated=%v path %d bytes", i, e.Truncated, len(e.Path))
			}
			continue
		}
		if e.Truncated || e.Header["X-Index"][0] != strconv.Itoa(i) || string(e.Body) != "body-"+strconv.Itoa(i) || e.RawQuery != "i="+strconv.Itoa(i) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
}
