package web

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// MaxHeaderBytes bounds the request headers the emulator accepts (431 JSON
// above). net/http itself refuses headers over http.Server.MaxHeaderBytes
// (1 MB by default) before any handler runs, with a plain-text 431.
const MaxHeaderBytes = 64 << 10

// bufferedBody is a request body the front door already read: handlers
// take the bytes from it instead of reading the request twice.
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

// Close does nothing: the bytes are in memory.
func (bufferedBody) Close() error { return nil }

// RawBody is the request body: the front door has read every non-empty one
// (and refused those over the limit or unreadable), so anything else is
// empty.
func RawBody(c echo.Context) []byte {
	if bb, ok := c.Request().Body.(bufferedBody); ok {
		return bb.b
	}
	return nil
}

// readSized reads a body, in one allocation when its length is announced.
func readSized(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > maxBodyBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, n, n+1)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	// The announced length must be the real one; read past it to be sure.
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		rest, err := io.ReadAll(r)
		return append(append(b, extra[0]), rest...), err
	}
	return b, nil
}

// drainLimit bounds how much of an oversized body the emulator reads and
// discards before answering 413.
const drainLimit = 64 << 20

// drainBody reads the rest of an oversized body (up to drainLimit) and
// closes the connection after the answer. Answering while the client is
// still sending makes the server close a connection with unread data, and
// the client then sees a reset instead of the 413 it was sent; read to the
// end, it reads the answer. The server's ReadTimeout bounds the time.
func drainBody(c echo.Context, body io.Reader) {
	c.Response().Header().Set(echo.HeaderConnection, "close")
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))
}

// setRequestID gives the response an X-Request-ID: the caller's, when it
// sent a sane one, else one from the environment's request-id stream.
func setRequestID(c echo.Context, st *store.Store) string {
	id := c.Request().Header.Get(echo.HeaderXRequestID)
	if !saneRequestID(id) {
		id = st.RequestID()
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

// headersTooLarge reports a request whose line and headers exceed
// MaxHeaderBytes, as an HTTPError so the renderer picks the path's shape
// (OAuth on /oauth2/*, WorkOS elsewhere).
func headersTooLarge(r *http.Request) error {
	n := len(r.RequestURI)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	if n > MaxHeaderBytes {
		return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge)
	}
	return nil
}

// guard runs a request past the checks that guard every route (header
// size, CORS, scripted faults) and into its handler. A panic becomes an
// error, which the renderer answers as a logged 500 with the request id: a
// bug must not take the emulator (and every test using it) down.
func guard(c echo.Context, st *store.Store, hosts *HostPolicy, next echo.HandlerFunc) (err error) {
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
	if err := checkHost(c.Request(), hosts); err != nil {
		return err
	}
	if done, err := applyCORS(c, st); done {
		return err
	}
	if done, err := applyFault(c, st.Faults()); done {
		return err
	}
	return next(c)
}

// FrontDoor is the one middleware every request passes (one closure per
// request: Echo v4 rebuilds the chain for each). It sets the request id,
// reads the body once (413 over the limit), runs the guards and the
// handler, renders any error so the status is final, then logs one line
// and journals non-control requests. Paths are logged without query
// strings, which may carry secrets; tokens and keys are never logged, and
// the journal redacts them whenever it is read. A journaled request's
// response passes through a pooled capture writer that keeps the start of
// its body for the journal.
func FrontDoor(log *slog.Logger, env Env, hosts *HostPolicy) echo.MiddlewareFunc {
	pool := &captures{}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			var body []byte
			var bodyErr error
			if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
				// Read the body once, here, for every request: the journal
				// keeps it, handlers read the same bytes through RawBody, and
				// a body over the limit is a 413 whether or not the route
				// reads it (a chunked body cannot announce its size).
				b, err := readSized(io.LimitReader(r.Body, maxBodyBytes+1), r.ContentLength)
				switch {
				case err != nil:
					bodyErr = echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
				case int64(len(b)) > maxBodyBytes:
					bodyErr = &http.MaxBytesError{Limit: maxBodyBytes}
					drainBody(c, r.Body)
				default:
					body = b
					r.Body = bufferedBody{bytes.NewReader(b), b}
				}
			}
			// The environment may be named by the body (a client_id), so
			// it is found after the body is read.
			st := env(c)
			requestID := setRequestID(c, st)
			logging := log.Enabled(r.Context(), slog.LevelInfo)
			journaling := !IsControl(r.URL.Path)
			var start time.Time
			if logging {
				start = store.WallNow()
			}
			var cw *capture
			if journaling {
				cw = pool.get(c.Response().Writer)
				c.Response().Writer = cw
			}
			err := bodyErr
			if err == nil {
				err = guard(c, st, hosts, next)
			}
			if err != nil {
				c.Error(err)
			}
			if journaling {
				c.Response().Writer = cw.ResponseWriter
				resp := store.JournalResponse{Header: c.Response().Header(), Body: cw.buf[:cw.n], Size: cw.size}
				st.Journal().Add(st.Clock().Now(), requestID, r.Method, r.URL.Path, r.URL.RawQuery, r.Header, body, c.Response().Status, resp, redactCut)
				pool.put(cw)
			}
			if logging {
				level := slog.LevelInfo
				if r.URL.Path == "/_emulator/health" {
					level = slog.LevelDebug // container health probes would flood the log
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", c.Response().Status),
					slog.Float64("latency_ms", float64(store.WallSince(start).Microseconds())/1000),
					slog.String("request_id", requestID))
			}
			return nil
		}
	}
}
