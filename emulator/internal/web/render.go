package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Renderer is the one writer of error bodies: the Echo HTTPErrorHandler
// turns whatever a handler, middleware or the router returned into an
// *Error and renders it in the path's shape.
type Renderer struct {
	Log *slog.Logger
	// Unserved answers a request no route matched whose path is an
	// operation of WorkOS's spec the emulator does not serve (a 501 naming
	// it, after the API-key check); nil for any other path.
	Unserved func(c echo.Context) *Error
}

// Handle is the Echo HTTPErrorHandler.
func (r *Renderer) Handle(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := r.asError(err, c)
	if e.Status == http.StatusInternalServerError {
		r.Log.LogAttrs(c.Request().Context(), slog.LevelError, "internal error",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
			slog.String("err", err.Error()))
	}
	if rerr := e.write(c); rerr != nil {
		r.Log.Debug("writing error response", slog.String("err", rerr.Error()))
	}
}

// write renders e as the response body.
func (e *Error) write(c echo.Context) error {
	for k, vs := range e.Header {
		for _, v := range vs {
			c.Response().Header().Add(k, v)
		}
	}
	if c.Request().Method == http.MethodHead {
		return c.NoContent(e.Status)
	}
	if e.Raw != nil {
		return c.Blob(e.Status, echo.MIMEApplicationJSON, e.Raw)
	}
	body := wire.Object{}
	if e.OAuth {
		body = append(body, wire.KV{"error", e.Code}, wire.KV{"error_description", e.Message})
	} else {
		body = append(body, wire.KV{"code", e.Code}, wire.KV{"message", e.Message})
		if len(e.Fields) > 0 {
			body = append(body, wire.KV{"errors", e.Fields})
		}
	}
	return JSON(c, e.Status, body.WithMap(e.Extra))
}

func (r *Renderer) asError(err error, c echo.Context) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	path := c.Request().URL.Path
	oauth := strings.HasPrefix(path, "/oauth2/")
	shaped := func(status int, code, msg string) *Error {
		if oauth {
			if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
				code = CodeInvalidRequest
			}
			return OAuthError(status, code, msg)
		}
		return APIError(status, code, msg)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return shaped(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, fmt.Sprintf("The request body exceeds %d bytes.", mbe.Limit))
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			if r.Unserved != nil {
				if e := r.Unserved(c); e != nil {
					return e
				}
			}
			if he.Code == http.StatusNotFound {
				return shaped(http.StatusNotFound, CodeRouteNotFound, fmt.Sprintf("No route for %s %s.", c.Request().Method, path))
			}
			return shaped(http.StatusMethodNotAllowed, CodeMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s.", c.Request().Method, path))
		case http.StatusRequestEntityTooLarge:
			return shaped(he.Code, CodeRequestTooLarge, "The request body is too large.")
		case http.StatusRequestHeaderFieldsTooLarge:
			return shaped(he.Code, "request_header_fields_too_large", fmt.Sprintf("The request line and headers exceed %d bytes.", MaxHeaderBytes))
		}
		if he.Code >= 400 && he.Code < 500 {
			msg, ok := he.Message.(string)
			if !ok || msg == "" || msg == http.StatusText(he.Code) {
				msg = http.StatusText(he.Code) + "."
			}
			return shaped(he.Code, CodeInvalidRequest, msg)
		}
	}
	return shaped(http.StatusInternalServerError, CodeServerError, "The emulator failed to process the request; its log has the cause.").Wrap(err)
}

// JSON writes v with Content-Type application/json, the only content type
// of every API answer (the Node SDK parses nothing else). It is the one
// JSON writer of the emulator's answers.
func JSON(c echo.Context, status int, v any) error {
	body, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, body)
}

// NoContent answers a status without a body (deletes).
func NoContent(c echo.Context, status int) error { return c.NoContent(status) }

// Redirect answers 302 to a GET (as WorkOS's authorize does) and 303 to a
// form POST, so the browser follows with a GET either way.
func Redirect(c echo.Context, to string) error {
	if c.Request().Method == http.MethodGet {
		return c.Redirect(http.StatusFound, to)
	}
	return c.Redirect(http.StatusSeeOther, to)
}
