package emulator

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// setRequestID gives the response an X-Request-ID: the caller's, when it
// sent a sane one, else one from the instance's request-id stream.
func (s *Server) setRequestID(c echo.Context) string {
	id := c.Request().Header.Get(echo.HeaderXRequestID)
	if !saneRequestID(id) {
		id = s.reqIDs.uuid()
	}
	c.Response().Header()[echo.HeaderXRequestID] = []string{id}
	return id
}

// saneRequestID accepts short printable ASCII ids, so a hostile header
// cannot inject anything into responses or logs.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// maxHeaderBytes bounds the request headers the emulator accepts (431 JSON
// above). net/http itself refuses headers over http.Server.MaxHeaderBytes
// (1 MB by default) before any handler runs, with a plain-text 431.
const maxHeaderBytes = 64 << 10

// headersTooLarge reports a request whose line and headers exceed
// maxHeaderBytes, as an HTTPError so the renderer picks the path's shape
// (OAuth on /oauth2/*, WorkOS elsewhere).
func headersTooLarge(r *http.Request) error {
	n := len(r.RequestURI)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	if n > maxHeaderBytes {
		return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge)
	}
	return nil
}

// handle runs a request past the checks that guard every route (header
// size, CORS, scripted faults) and into its handler. A panic becomes an
// error, which observe renders as a logged 500 with the request id: a bug
// must not take the emulator (and every test using it) down.
func (s *Server) handle(c echo.Context, next echo.HandlerFunc) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if err := headersTooLarge(c.Request()); err != nil {
		return err
	}
	if done, err := s.applyCORS(c); done {
		return err
	}
	if done, err := s.applyFault(c); done {
		return err
	}
	return next(c)
}

// frontDoor is the one middleware every request passes (one closure per
// request: Echo v4 rebuilds the chain for each). It sets the request id,
// reads the body once (413 over the limit), runs the guards and the
// handler (handle), renders any error so the status is final, then logs
// one line and journals non-control requests. Paths are logged without
// query strings, which may carry secrets; tokens and keys are never logged,
// and the journal redacts them whenever it is read.
func (s *Server) frontDoor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		requestID := s.setRequestID(c)
		r := c.Request()
		logging := s.log.Enabled(r.Context(), slog.LevelInfo)
		journaling := !isControl(r.URL.Path)
		var body []byte
		var bodyErr error
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			// Read the body once, here, for every request: the journal keeps
			// it, handlers read the same bytes through readBody, and a body
			// over the limit is a 413 whether or not the route reads it (a
			// chunked body cannot announce its size beforehand).
			b, err := readSized(io.LimitReader(r.Body, maxBodyBytes+1), r.ContentLength)
			switch {
			case err != nil:
				bodyErr = echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
			case int64(len(b)) > maxBodyBytes:
				bodyErr = &http.MaxBytesError{Limit: maxBodyBytes}
			default:
				body = b
				r.Body = bufferedBody{bytes.NewReader(b), b}
			}
		}
		var start time.Time
		if logging {
			start = wallNow()
		}
		err := bodyErr
		if err == nil {
			err = s.handle(c, next)
		}
		if err != nil {
			c.Error(err)
		}
		if journaling {
			s.journal.add(s.clock.Now(), requestID, r, body, c.Response().Status)
		}
		if logging {
			level := slog.LevelInfo
			if r.URL.Path == "/_emulator/health" {
				level = slog.LevelDebug // container health probes would flood the log
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", c.Response().Status),
				slog.Float64("latency_ms", float64(wallSince(start).Microseconds())/1000),
				slog.String("request_id", requestID))
		}
		return nil
	}
}
