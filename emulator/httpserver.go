package emulator

import (
	"net/http"
	"time"
)

// NewHTTPServer wraps a Server in an http.Server with the timeouts and
// limits a long-running emulator needs: a slow or stuck client cannot hold
// a connection forever. Callers set the listener (Serve) themselves.
func NewHTTPServer(s *Server) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Scripted faults may delay an answer by up to a minute.
		WriteTimeout:   90 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 1 << 20,
	}
}
