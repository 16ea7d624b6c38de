// Package radar is WorkOS Radar: the standalone risk API (assess an
// attempt, report its outcome, manage the allow and block lists), the Radar
// challenges of User Management sign-ins, and the control-plane switch that
// makes the next sign-in attempts challenge or block. The decision itself
// lives in the store (AssessRadar), where the sign-in engine reads it too:
// every attempt at /user_management/authenticate and the hosted login is
// recorded there with its verdict.
package radar

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
		web.R(http.MethodPost, "/radar/attempts", g, key, "assess an attempt: verdict from the lists and the control-plane switch", a.assess),
		web.R(http.MethodPut, "/radar/attempts/:id", g, key, "report an attempt's or its challenge's success", a.updateAttempt),
		web.R(http.MethodPost, "/radar/lists/:type/:action", g, key, "add an entry to an allow or block list (sign-ins obey at once)", a.addEntry),
		web.R(http.MethodDelete, "/radar/lists/:type/:action", g, key, "remove an entry from an allow or block list", a.removeEntry),
		web.R(http.MethodPost, "/user_management/radar_challenges", g, key, "text a Radar SMS challenge code (to the outbox)", a.sendSMSChallenge),
		web.R(http.MethodGet, "/user_management/radar_challenges/:id", g, key, "a Radar e-mail challenge, with its code", a.getChallenge),
	}
}
