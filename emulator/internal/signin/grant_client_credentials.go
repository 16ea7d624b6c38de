package signin

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// GrantedScopes is what an application asked for (all its scopes when it
// asked for none), or the invalid_scope description of the first scope it
// may not have.
func GrantedScopes(app *store.Application, requested []string) (scopes []string, denied string) {
	for _, sc := range requested {
		if !slices.Contains(app.Scopes, sc) {
			return nil, fmt.Sprintf("Scope %q is not granted to application %s.", web.Printable(sc), app.ClientID)
		}
	}
	if len(requested) == 0 {
		return app.Scopes, ""
	}
	return requested, ""
}

// tokenResponse is the RFC 6749 §5.1 body, in WorkOS's member order.
func tokenResponse(access string, rec *store.AccessToken, refresh, idToken string) wire.Object {
	out := wire.Object{{"access_token", access}, {"token_type", "bearer"}, {"expires_in", rec.Exp - rec.IAT}}
	if idToken != "" {
		out = append(out, wire.KV{"id_token", idToken})
	}
	if refresh != "" {
		out = append(out, wire.KV{"refresh_token", refresh})
	}
	if rec.Scope != "" {
		out = append(out, wire.KV{"scope", rec.Scope})
	}
	return out
}

// clientCredentials mints an M2M token: sub and client_id are the
// application, org_id its owning organization.
func clientCredentials(r tokenRequest) error {
	cl := r.client
	if !cl.Authenticated {
		return invalidClient(false, "client_credentials needs the application's client_secret.")
	}
	scopes, denied := GrantedScopes(cl.App, strings.Fields(r.b.Param("scope")))
	if denied != "" {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidScope, denied)
	}
	access, rec, err := mintToken(r.c.Request().Context(), r.st, tokens.Spec{Family: store.FamilyM2M, ClientID: cl.ID, OrgID: cl.App.OrganizationID, Scope: scopes})
	if err != nil {
		return err
	}
	return web.JSON(r.c, http.StatusOK, tokenResponse(access, rec, "", ""))
}
