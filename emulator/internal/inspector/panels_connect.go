package inspector

import (
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The panels of WorkOS Connect: the applications (their client secrets as
// the API shows them, by their last characters only) and the applications
// users authorized.

func applicationsPanel() Panel {
	return Panel{
		ID: "applications", Title: "Connect applications", Columns: []string{"id", "name", "client id", "type", "organization", "secrets", "created"},
		Filters: []Filter{{Name: "type", Label: "type", Options: []string{fixtures.AppOAuth, fixtures.AppM2M, fixtures.AppPublic}}},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Apps(), func(a *store.Application) {
				org := orgName(v.Tx, a.OrganizationID)
				if (q.Filter("type") != "" && a.Type != q.Filter("type")) ||
					!q.Match(a.ID, a.ClientID, a.Name, a.Description, a.OrganizationID, org, strings.Join(a.RedirectURIs, " ")) {
					return
				}
				typ := a.Type
				if a.ThirdParty {
					typ += " (third party)"
				}
				out = append(out, Row{ID: a.ID, Cells: []string{a.ID, a.Name, a.ClientID, typ, org, itoa(len(a.Secrets)), wire.Time(a.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			a := v.Tx.AppByID(id)
			if a == nil {
				return nil
			}
			secrets := make([]wire.Object, len(a.Secrets))
			for i, s := range a.Secrets {
				secrets[i] = s.Object() // the hint, never the value
			}
			return wire.Object{{"application", a.Object()}, {"type", a.Type}, {"grant_types", wire.NonNil(a.GrantTypes)},
				{"client_secrets", secrets}}
		},
	}
}

func authorizationsPanel() Panel {
	return Panel{
		ID: "authorized_applications", Title: "Authorized applications",
		Columns: []string{"id", "user", "application", "organization", "scopes", "live grants", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.Authorizations(), func(a *store.Authorization) {
				email, org, app := userEmail(v.Tx, a.UserID), orgName(v.Tx, a.OrgID), appName(v.Tx, a.ClientID)
				if !q.Match(a.ID, a.UserID, email, a.ClientID, app, a.OrgID, org) {
					return
				}
				out = append(out, Row{ID: a.ID, Cells: []string{a.ID, email, app, org, strings.Join(a.Scopes, " "),
					itoa(liveSessions(v.Tx, a.Sessions)), wire.Time(a.CreatedAt)}})
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, a := range v.Tx.Authorizations() {
				if a.ID == id {
					var sessions []string
					for _, sid := range a.Sessions {
						if v.Tx.Session(sid) != nil {
							sessions = append(sessions, sid)
						}
					}
					return wire.Object{{"authorized_application", v.Tx.AuthorizationObject(a, true)},
						{"user", wire.Object{{"id", a.UserID}, {"email", userEmail(v.Tx, a.UserID)}}},
						{"organization", orgName(v.Tx, a.OrgID)}, {"sessions", wire.NonNil(sessions)}}
				}
			}
			return nil
		},
	}
}

// liveSessions counts the sessions of a list that are still active.
func liveSessions(tx *store.Tx, ids []string) int {
	n := 0
	now, cfg := tx.Now(), tx.Config()
	for _, id := range ids {
		if ss := tx.Session(id); ss != nil && ss.StatusAt(now, cfg) == fixtures.SessionActive {
			n++
		}
	}
	return n
}

// appName is the name of a Connect application, or its client id when it
// is gone.
func appName(tx *store.Tx, clientID string) string {
	if a := tx.App(clientID); a != nil {
		return a.Name
	}
	return clientID
}
