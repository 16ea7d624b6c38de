package store

import (
	"crypto/subtle"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Application is a WorkOS Connect application (fixtures' applications).
type Application struct {
	fixtures.Application
	secret []byte
}

// Public reports whether the application is a public (PKCE, secret-less)
// client.
func (a *Application) Public() bool { return a.Type == fixtures.AppPublic }

// Authenticate checks a client secret in constant time; public apps have
// none and never authenticate with one.
func (a *Application) Authenticate(secret string) bool {
	if len(a.secret) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(a.secret, []byte(secret)) == 1
}

// App is the application with that client id, or nil.
func (tx *Tx) App(clientID string) *Application { return tx.w.apps[clientID] }
