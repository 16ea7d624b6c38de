package store

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestJournalSlots: oversized requests and responses are cut to their room
// in the slot (and marked truncated), the ring keeps the newest entries,
// and nothing is lost or corrupted at the slot and chunk boundaries.
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
		resp := JournalResponse{Header: map[string][]string{"X-Answer": {strconv.Itoa(i)}}, Body: []byte("answer-" + strconv.Itoa(i))}
		if i%100 == 50 {
			resp.Body = []byte(long)
		}
		resp.Size = len(resp.Body)
		if i%100 == 70 {
			resp.Size = 100_000 // the front door kept only the start
		}
		j.Add(at, "req-"+strconv.Itoa(i), http.MethodPost, path, "i="+strconv.Itoa(i), header, body, 200+i%3, resp, nil)
	}
	list, dropped := j.List(RequestFilter{})
	if len(list) != journalCapacity || dropped != 5 {
		t.Fatalf("%d entries, %d dropped", len(list), dropped)
	}
	for _, seq := range []uint64{1, 5, 6, 7, 500, journalCapacity + 5, journalCapacity + 6} {
		e, ok := j.Entry(seq)
		if want := seq >= 6 && seq <= journalCapacity+5; ok != want || (ok && (e.Seq != seq || e.RequestID != "req-"+strconv.Itoa(int(seq)-1))) {
			t.Fatalf("Entry(%d): %v %+v", seq, ok, e)
		}
	}
	sums := j.Summaries(RequestFilter{Path: "/x", Method: "post"})
	if len(sums) != journalCapacity-10 || sums[0].Header != nil || sums[0].Body != nil || sums[0].Seq != 6 || sums[0].Status != 200+5%3 {
		t.Fatalf("summaries: %d, first %+v", len(sums), sums[0])
	}
	for k, e := range list {
		i := k + 5
		if e.Seq != uint64(i+1) || e.RequestID != "req-"+strconv.Itoa(i) || e.Status != 200+i%3 {
			t.Fatalf("entry %d: %+v", k, e)
		}
		if i%100 == 0 {
			if !e.Truncated || len(e.Path) > requestRoom || e.RespTruncated || string(e.RespBody) != "answer-"+strconv.Itoa(i) {
				t.Fatalf("oversized entry %d not cut: truncated=%v path %d bytes, response %q", i, e.Truncated, len(e.Path), e.RespBody)
			}
			continue
		}
		if i%100 == 50 {
			if e.Truncated || !e.RespTruncated || len(e.RespBody) >= journalSlot-requestRoom || e.RespSize != 2*journalSlot ||
				e.RespHeader["X-Answer"][0] != strconv.Itoa(i) || string(e.Body) != "body-"+strconv.Itoa(i) {
				t.Fatalf("oversized response %d: truncated=%v/%v, %d bytes of %d", i, e.Truncated, e.RespTruncated, len(e.RespBody), e.RespSize)
			}
			continue
		}
		if (i%100 == 70) != e.RespTruncated || e.RespHeader["X-Answer"][0] != strconv.Itoa(i) || string(e.RespBody) != "answer-"+strconv.Itoa(i) {
			t.Fatalf("entry %d response: %+v", i, e)
		}
		if e.Truncated || e.Header["X-Index"][0] != strconv.Itoa(i) || string(e.Body) != "body-"+strconv.Itoa(i) || e.RawQuery != "i="+strconv.Itoa(i) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
}

// BenchmarkJournalAdd measures recording one introspection-sized exchange,
// without and with its response (what the front door adds per journaled
// request); neither allocates once the ring's chunks exist.
func BenchmarkJournalAdd(b *testing.B) {
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	header := map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {"Go-http-client/1.1"}}
	body := []byte(strings.Repeat("t", 900))
	resp := JournalResponse{Header: map[string][]string{"Content-Type": {"application/json"}, "X-Request-Id": {"5f0c8a0e-1d3b-4c8e-9a55-0e2a3f5b6c7d"}},
		Body: []byte(strings.Repeat("r", 420))}
	resp.Size = len(resp.Body)
	for _, tc := range []struct {
		name string
		resp JournalResponse
	}{{"request only", JournalResponse{}}, {"with response", resp}} {
		b.Run(tc.name, func(b *testing.B) {
			j := &Journal{}
			for i := 0; i < journalCapacity; i++ {
				j.Add(at, "req", "POST", "/oauth2/introspection", "", header, body, 200, tc.resp, nil)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j.Add(at, "req", "POST", "/oauth2/introspection", "", header, body, 200, tc.resp, nil)
			}
		})
	}
}
