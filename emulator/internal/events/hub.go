package events

import (
	"log/slog"
	"net/http"
	"sync"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// Hub holds the dispatcher of each environment, made on first use and
// started when the environment first queues a delivery.
type Hub struct {
	transport http.RoundTripper
	log       *slog.Logger
	m         sync.Map // *store.Store -> *Dispatcher
}

// NewHub returns a hub whose dispatchers POST through transport (nil:
// http.DefaultTransport).
func NewHub(transport http.RoundTripper, log *slog.Logger) *Hub {
	return &Hub{transport: transport, log: log}
}

// Attach makes st's dispatcher start when st first queues a delivery.
func (h *Hub) Attach(st *store.Store) {
	st.OnDeliveriesQueued(func() { h.For(st).Start() })
}

// For is st's dispatcher.
func (h *Hub) For(st *store.Store) *Dispatcher {
	if d, ok := h.m.Load(st); ok {
		return d.(*Dispatcher)
	}
	d, _ := h.m.LoadOrStore(st, NewDispatcher(st, h.transport, h.log))
	return d.(*Dispatcher)
}

// Detach stops st's dispatcher and forgets it (its environment was
// dropped).
func (h *Hub) Detach(st *store.Store) {
	st.OnDeliveriesQueued(nil)
	if d, ok := h.m.LoadAndDelete(st); ok {
		d.(*Dispatcher).Close()
	}
}

// Close stops every dispatcher, waiting for the attempts in flight.
func (h *Hub) Close() {
	h.m.Range(func(_, d any) bool {
		d.(*Dispatcher).Close()
		return true
	})
}
