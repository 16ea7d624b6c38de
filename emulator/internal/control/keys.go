package control

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/keys"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// KeyInfo describes a published signing key.
type KeyInfo struct {
	KID     string `json:"kid"`
	Signing bool   `json:"signing"`
}

// Keys lists the published keys; the signing one is marked.
func Keys(st *store.Store) []KeyInfo {
	ring := st.Ring()
	out := make([]KeyInfo, len(ring.Published()))
	for i, k := range ring.Published() {
		out[i] = KeyInfo{KID: k.KID, Signing: k == ring.Active()}
	}
	return out
}

// RotateKey makes the next key (from environment.signing_keys, then the
// embedded pool) sign new tokens; the previous key stays in the JWKS, and
// its tokens stay valid, until RetireKey. It returns the new kid.
func RotateKey(st *store.Store) (string, error) {
	var kid string
	err := st.Write(func(tx *store.Tx) error {
		r, err := tx.Ring().Rotate()
		if errors.Is(err, keys.ErrNoKeyLeft) {
			return web.APIError(http.StatusConflict, web.CodeConflict, "No signing key left to rotate to: list more keys in environment.signing_keys.")
		}
		if err != nil {
			return err
		}
		tx.SetRing(r)
		kid = r.Active().KID
		return nil
	})
	return kid, err
}

// RetireKey removes a key that no longer signs from the JWKS; the tokens it
// signed introspect inactive from then on.
func RetireKey(st *store.Store, kid string) error {
	return st.Write(func(tx *store.Tx) error {
		r, err := tx.Ring().Retire(kid)
		switch {
		case errors.Is(err, keys.ErrSigningKey):
			return web.APIError(http.StatusConflict, web.CodeConflict, fmt.Sprintf("Key %s signs new tokens; rotate before retiring it.", kid))
		case errors.Is(err, keys.ErrUnknownKey):
			return web.NotFound("Signing key", kid)
		case err != nil:
			return err
		}
		tx.SetRing(r)
		return nil
	})
}

// keys serves GET /_emulator/keys.
func (a *api) keys(c echo.Context) error {
	return web.JSON(c, http.StatusOK, wire.Object{{"keys", Keys(a.env(c))}})
}

// rotateKey serves POST /_emulator/keys/rotate.
func (a *api) rotateKey(c echo.Context) error {
	st := a.env(c)
	kid, err := RotateKey(st)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"kid", kid}, {"keys", Keys(st)}})
}

// retireKey serves DELETE /_emulator/keys/{kid}.
func (a *api) retireKey(c echo.Context) error {
	st := a.env(c)
	if err := RetireKey(st, web.PathParam(c, "kid")); err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, wire.Object{{"keys", Keys(st)}})
}
