package vault

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// Vault's error codes, for logs and errors.Is (its bodies carry only the
// message).
const (
	codeBadRequest  = "bad_request"
	codeNotFound    = "not_found"
	codeConflict    = "conflict"
	codeUnprocessed = "unprocessable_entity"
)

// vaultError is an error in Vault's shape: {"error": message}.
func vaultError(status int, code, msg string) *web.Error {
	body, _ := wire.Marshal(wire.Object{{"error", msg}})
	return &web.Error{Status: status, Code: code, Message: msg, Raw: body}
}

func badRequest(msg string) *web.Error { return vaultError(http.StatusBadRequest, codeBadRequest, msg) }

func unprocessable(msg string) *web.Error {
	return vaultError(http.StatusUnprocessableEntity, codeUnprocessed, msg)
}

func notFound() *web.Error { return vaultError(http.StatusNotFound, codeNotFound, "Object not found.") }

// vaultShape turns the WorkOS-shaped errors of the shared plumbing (the
// body decoder: a 400 for malformed JSON, a 415) into Vault's shape.
func vaultShape(err error) error {
	var e *web.Error
	if err == nil || !errors.As(err, &e) || e.Raw != nil {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += " " + f.Field + ": " + f.Code + "."
	}
	return vaultError(e.Status, e.Code, msg)
}

// actor is who a request acts as: the API key it presented. WorkOS names
// its API keys; the emulator's keys are plain strings, so the name says
// which one by its last characters.
func actor(c echo.Context) store.VaultActor {
	key, _ := web.Bearer(c)
	tail := key
	if len(tail) > 4 {
		tail = tail[len(tail)-4:]
	}
	return store.VaultActor{ID: "key_" + store.StableULID("api_key\x00"+key), Name: "API key ending in " + tail, Source: "api"}
}

// stamp is a Vault timestamp: RFC 3339 in UTC, to the second, as the
// spec's examples show them.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
