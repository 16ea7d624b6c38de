package connect

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// MaxSecrets bounds an application's client secrets, so a loop creating
// them cannot grow the world (or each client authentication) without end.
const MaxSecrets = 20

// listSecrets serves GET /connect/applications/{id}/client_secrets: the
// secrets (values hidden), oldest first, as a plain array.
func (a *api) listSecrets(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		app, err := appFor(c, tx)
		if err != nil {
			return nil, err
		}
		out := make([]wire.Object, len(app.Secrets))
		for i, s := range app.Secrets {
			out[i] = s.Object()
		}
		return out, nil
	})
}

// createSecret serves POST /connect/applications/{id}/client_secrets
// (201): a new secret, its value shown this once, that authenticates the
// application at /oauth2/token and /oauth2/introspection at once.
func (a *api) createSecret(c echo.Context) error {
	if _, err := web.Decode(c, web.APIBody); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		old, err := appFor(c, tx)
		if err != nil {
			return nil, err
		}
		if len(old.Secrets) >= MaxSecrets {
			return nil, web.APIError(http.StatusUnprocessableEntity, "too_many_client_secrets", "An application has at most 20 client secrets: delete one first.")
		}
		s, value := tx.NewAppSecret()
		next := store.CopyApp(old)
		next.Secrets = append(next.Secrets, s)
		tx.ReplaceApp(old, next)
		return append(s.Object(), wire.KV{"secret", value}), nil
	})
}

// deleteSecret serves DELETE /connect/client_secrets/{id} (204): the
// secret stops authenticating at once.
func (a *api) deleteSecret(c echo.Context) error {
	id := web.PathParam(c, "id")
	return web.WriteNoContent(c, a.env(c), http.StatusNoContent, func(tx *store.Tx) error {
		old, s := tx.AppSecretByID(id)
		if s == nil {
			return web.NotFound("Client secret", id)
		}
		next := store.CopyApp(old)
		next.Secrets = nil
		for _, x := range old.Secrets {
			if x != s {
				next.Secrets = append(next.Secrets, x)
			}
		}
		tx.ReplaceApp(old, next)
		return nil
	})
}
