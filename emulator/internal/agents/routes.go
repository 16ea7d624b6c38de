// Package agents is WorkOS's agent administration API: agent
// registrations, the claim attempts an application links to its own users,
// and the validation of agent credentials. Agents register, and claims
// complete, at AuthKit-domain endpoints outside the WorkOS API spec: the
// agent_registrations fixture section seeds the registrations, and the
// control plane mints agent access tokens and completes claims in their
// stead.
package agents

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return []web.Route{
		web.R(http.MethodPatch, "/agents/claims/attempts", g, key, "link an application's user (by external id; created when new) to a claim attempt: the user code", a.linkClaimAttempt),
		web.R(http.MethodPost, "/agents/credentials/validate", g, key, "validate an agent API key or access token (read-only)", a.validateCredential),
		web.R(http.MethodGet, "/agents/registrations/:id", g, key, "an agent registration", a.getRegistration),
	}
}
