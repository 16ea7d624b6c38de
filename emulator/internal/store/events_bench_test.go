package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

func benchStore(b *testing.B, logSize int) *Store {
	b.Helper()
	set := fixtures.Default()
	if logSize > 0 {
		set.Environment.EventLogSize = logSize
	}
	st, err := New(Options{Fixtures: set, Clock: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Reset(true, func(*Tx, SessionSeed) error { return nil }); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkWriteUserUpdate measures a write that changes a user, with and
// without its user.updated event: the event (rendering the user, the log
// and its indexes) must add at most a few percent to a write. The write
// here is the store's part alone; a request adds routing, decoding and
// encoding on top, so the share is smaller still.
func BenchmarkWriteUserUpdate(b *testing.B) {
	for _, emit := range []bool{false, true} {
		b.Run(fmt.Sprintf("event=%v", emit), func(b *testing.B) {
			st := benchStore(b, 0)
			var id string
			_ = st.Read(func(tx *Tx) error { id = tx.Users()[0].ID; return nil })
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				_ = st.Write(func(tx *Tx) error {
					u := tx.User(id)
					u.FirstName, u.UpdatedAt = "Name"+fmt.Sprint(i&7), tx.Now()
					if emit {
						tx.EmitUser("user.updated", u)
					}
					return nil
				})
			}
		})
	}
}

// BenchmarkEventsPage measures GET /events's store work (a filtered page
// of 10) as the log grows from 10 to 100,000 events: it must stay flat.
func BenchmarkEventsPage(b *testing.B) {
	for _, n := range []int{10, 1_000, 100_000} {
		st := benchStore(b, 100_000)
		var org, cursor string
		_ = st.Read(func(tx *Tx) error { org = tx.Orgs()[0].ID; return nil })
		for i := range n {
			_ = st.Write(func(tx *Tx) error {
				u := tx.Users()[i%len(tx.Users())]
				tx.EmitUser("user.updated", u)
				tx.EmitOrg("organization.updated", tx.Org(org))
				return nil
			})
		}
		_ = st.Read(func(tx *Tx) error {
			p, _ := tx.Events(EventQuery{Limit: 1})
			cursor = p.Events[0].ID
			return nil
		})
		for _, q := range []struct {
			name string
			q    EventQuery
		}{
			{"all", EventQuery{Limit: 10, After: cursor}},
			{"types", EventQuery{Limit: 10, Types: []string{"organization.updated", "user.created"}, After: cursor}},
			{"org+type", EventQuery{Limit: 10, OrgID: org, Types: []string{"organization.updated"}}},
			{"newest", EventQuery{Limit: 10, Desc: true}},
		} {
			b.Run(fmt.Sprintf("events=%d/%s", min(2*n, 100_000), q.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = st.Read(func(tx *Tx) error {
						p, err := tx.Events(q.q)
						if err != nil || len(p.Events) == 0 {
							b.Fatalf("page: %v %d", err, len(p.Events))
						}
						return nil
					})
				}
			})
		}
	}
}
