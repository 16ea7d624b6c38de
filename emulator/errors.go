package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Error is the emulator's one error type. Handlers return it; only
// handleError (the Echo HTTPErrorHandler) renders it, always as JSON, in one
// of the two WorkOS wire shapes:
//
//   - OAuth (RFC 6749 §5.2): {"error","error_description"} — /oauth2/* and
//     grant failures at /user_management/authenticate;
//   - WorkOS: {"code","message"[,"errors"]} — everything else.
//
// Extra fields (a pending_authentication_token, the user, ...) are added to
// either shape. Errors are values: the With* builders return copies.
type Error struct {
	Status  int
	Code    string
	Message string
	// OAuth selects the OAuth shape.
	OAuth bool
	// Fields lists per-field validation failures (422).
	Fields []FieldError
	// Extra is merged into the body after the standard keys, in key order.
	Extra map[string]any
	// Raw, when set, is written verbatim as the body (scripted faults).
	Raw json.RawMessage
	// Header is added to the response (WWW-Authenticate, Retry-After, Allow).
	Header http.Header
	cause  error
}

// FieldError is one entry of a 422 body's "errors" list.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.cause)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns the internal cause, which is logged but never rendered.
func (e *Error) Unwrap() error { return e.cause }

// Is matches errors by status and code, so tests and callers can compare
// against a constructor's result with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status && t.Code == e.Code
}

// With returns a copy of e carrying an extra body field.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// WithMessage returns a copy of e with another message.
func (e *Error) WithMessage(msg string) *Error {
	c := *e
	c.Message = msg
	return &c
}

// WithHeader returns a copy of e that also sets a response header.
func (e *Error) WithHeader(key, value string) *Error {
	c := *e
	c.Header = e.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(key, value)
	return &c
}

// Wrap returns a copy of e that records cause for the log.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// OAuth error codes (RFC 6749 §5.2, RFC 7662, RFC 8628).
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidGrant         = "invalid_grant"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeInvalidScope         = "invalid_scope"
	CodeAccessDenied         = "access_denied"
	CodeAuthorizationPending = "authorization_pending"
	CodeSlowDown             = "slow_down"
	CodeExpiredToken         = "expired_token"
	CodeInvalidToken         = "invalid_token"
	CodeServerError          = "server_error"
)

// WorkOS error codes.
const (
	CodeUnauthorized             = "unauthorized"
	CodeNotFound                 = "entity_not_found"
	CodeRouteNotFound            = "not_found"
	CodeNotImplemented           = "not_implemented"
	CodeMethodNotAllowed         = "method_not_allowed"
	CodeInvalidRequestParameters = "invalid_request_parameters"
	CodeUnsupportedMediaType     = "unsupported_media_type"
	CodeRequestTooLarge          = "request_entity_too_large"
	CodeConflict                 = "conflict"
	CodeInvalidCredentials       = "invalid_credentials"
	CodeForbidden                = "forbidden"
)

// oauthError builds an OAuth-shaped error.
func oauthError(status int, code, description string) *Error {
	return &Error{Status: status, Code: code, Message: description, OAuth: true}
}

// apiError builds a WorkOS-shaped error.
func apiError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// notFound is WorkOS's 404 for a missing object: "User not found: 'user_…'."
func notFound(what, id string) *Error {
	return apiError(http.StatusNotFound, CodeNotFound, fmt.Sprintf("%s not found: '%s'.", what, id))
}

// invalidParams is WorkOS's 422 validation failure.
func invalidParams(fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalidRequestParameters, Message: "Validation failed.", Fields: fields}
}

// errUnauthorized is the 401 for a missing or wrong API key.
func errUnauthorized() *Error {
	return apiError(http.StatusUnauthorized, CodeUnauthorized, "Unauthorized: a valid API key is required (Authorization: Bearer sk_...).")
}

// render writes e as the response body. It is the only writer of error
// bodies: handleError calls it for every error a handler returns.
func (e *Error) render(c echo.Context) error {
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
	body := object{}
	if e.OAuth {
		body = append(body, kv{"error", e.Code}, kv{"error_description", e.Message})
	} else {
		body = append(body, kv{"code", e.Code}, kv{"message", e.Message})
		if len(e.Fields) > 0 {
			body = append(body, kv{"errors", e.Fields})
		}
	}
	body = body.withMap(e.Extra)
	return writeJSON(c, e.Status, body)
}

// handleError is the Echo HTTPErrorHandler: it turns whatever a handler,
// middleware or the router returned into an *Error and renders it.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.asError(err, c)
	if e.Status == http.StatusInternalServerError {
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "internal error",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
			slog.String("err", err.Error()))
	}
	if rerr := e.render(c); rerr != nil {
		s.log.Debug("writing error response", slog.String("err", rerr.Error()))
	}
}

func (s *Server) asError(err error, c echo.Context) *Error {
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
			return oauthError(status, code, msg)
		}
		return apiError(status, code, msg)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return shaped(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, fmt.Sprintf("The request body exceeds %d bytes.", mbe.Limit))
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			if e := s.unimplemented(c); e != nil {
				return e
			}
			return shaped(http.StatusNotFound, CodeRouteNotFound, fmt.Sprintf("No route for %s %s.", c.Request().Method, path))
		case http.StatusMethodNotAllowed:
			if e := s.unimplemented(c); e != nil {
				return e
			}
			return shaped(http.StatusMethodNotAllowed, CodeMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s.", c.Request().Method, path))
		case http.StatusRequestEntityTooLarge:
			return shaped(he.Code, CodeRequestTooLarge, "The request body is too large.")
		case http.StatusRequestHeaderFieldsTooLarge:
			return shaped(he.Code, "request_header_fields_too_large", fmt.Sprintf("The request line and headers exceed %d bytes.", maxHeaderBytes))
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
