// Package web is the emulator's HTTP plumbing, shared by every area: the
// one error type and its renderer, the one request decoder, the JSON
// encoder, path parameters, pagination, routes and the middleware every
// request passes (request id, body limit, CORS, scripted faults, logging,
// the journal). It holds no state: what a request needs of its
// environment comes from the store the front door puts in its context.
package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Error is the emulator's one error type. Handlers return it; only the
// renderer (ErrorHandler) writes it, always as JSON, in one
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
	// Message explains the failure where WorkOS documents one (the
	// webhook endpoint API).
	Message string `json:"message,omitempty"`
}

// Error describes the error for logs; clients see the rendered body.
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

// OAuthError builds an OAuth-shaped error.
func OAuthError(status int, code, description string) *Error {
	return &Error{Status: status, Code: code, Message: description, OAuth: true}
}

// APIError builds a WorkOS-shaped error.
func APIError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// ErrorFor builds an error in the shape the path documents: OAuth on
// /oauth2/*, WorkOS elsewhere. Middleware that refuses a request before
// any handler uses it.
func ErrorFor(path string, status int, code, message string) *Error {
	if strings.HasPrefix(path, "/oauth2/") {
		return OAuthError(status, code, message)
	}
	return APIError(status, code, message)
}

// NotFound is WorkOS's 404 for a missing object: "User not found: 'user_…'."
func NotFound(what, id string) *Error {
	return APIError(http.StatusNotFound, CodeNotFound, fmt.Sprintf("%s not found: '%s'.", what, id))
}

// Invalid is WorkOS's 422 validation failure, listing every bad field.
func Invalid(fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalidRequestParameters, Message: "Validation failed.", Fields: fields}
}

// Unauthorized is the 401 for a missing or wrong API key.
func Unauthorized() *Error {
	return APIError(http.StatusUnauthorized, CodeUnauthorized, "Unauthorized: a valid API key is required (Authorization: Bearer sk_...).")
}

// Field is one FieldError, for Invalid's arguments.
func Field(field, code string) FieldError { return FieldError{Field: field, Code: code} }

// Text is the message of an *Error, for inline display on a hosted page.
func Text(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	return "Something went wrong."
}

// Printable trims a client-supplied string for an error message.
func Printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
