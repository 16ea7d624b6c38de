package emulator

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Route is one emulated endpoint, for documentation (the README's endpoint
// table is generated from Routes, so it cannot drift from the router).
type Route struct {
	Method string
	Path   string // Echo syntax: /user_management/users/:id
	Group  string
	Doc    string
}

type route struct {
	Route
	h  echo.HandlerFunc
	mw []echo.MiddlewareFunc
}

// Route groups.
const (
	groupDiscovery = "AuthKit domain (OAuth 2.0 / OIDC)"
	groupAPI       = "WorkOS API"
	groupControl   = "Control plane"
)

// routeTable lists every route of the emulator: the one place they are
// wired.
func (s *Server) routeTable() []route {
	r := func(method, path, group, doc string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) route {
		return route{Route{method, path, group, doc}, h, mw}
	}
	ctl := s.requireControlToken
	key := s.requireAPIKey
	table := []route{
		r(http.MethodGet, "/.well-known/openid-configuration", groupDiscovery, "OpenID Connect discovery", s.openidConfiguration),
		r(http.MethodGet, "/.well-known/oauth-authorization-server", groupDiscovery, "RFC 8414 metadata", s.oauthServerMetadata),
		r(http.MethodGet, "/oauth2/jwks", groupDiscovery, "JSON Web Key Set", s.jwks),
		r(http.MethodPost, "/oauth2/introspection", groupDiscovery, "RFC 7662 token introspection", s.introspect),
		r(http.MethodPost, "/oauth2/token", groupDiscovery, "token endpoint: authorization_code, refresh_token, client_credentials, device_code", s.token),
		r(http.MethodGet, "/oauth2/userinfo", groupDiscovery, "OIDC userinfo", s.userinfo),
		r(http.MethodPost, "/oauth2/userinfo", groupDiscovery, "OIDC userinfo", s.userinfo),
		r(http.MethodGet, "/oauth2/authorize", groupDiscovery, "authorization request of a Connect application (login, consent, code)", s.authorizeConnect),
		r(http.MethodPost, "/oauth2/device_authorization", groupDiscovery, "RFC 8628 device authorization", s.deviceAuthorization),
		r(http.MethodGet, "/authkit/login", groupDiscovery, "hosted login page", s.loginPage),
		r(http.MethodPost, "/authkit/login", groupDiscovery, "hosted login page actions", s.loginSubmit),
		r(http.MethodGet, "/device", groupDiscovery, "device verification page", s.devicePage),
		r(http.MethodPost, "/device", groupDiscovery, "device verification: enter the user code", s.deviceSubmit),

		r(http.MethodGet, "/sso/jwks/:client_id", groupAPI, "JWKS of a client id", s.clientJWKS),
		r(http.MethodGet, "/user_management/authorize", groupAPI, "start a hosted sign-in (302 to the login page, or headless)", s.authorizeUM),
		r(http.MethodPost, "/user_management/authenticate", groupAPI, "every authenticate grant but Radar", s.authenticate),
		r(http.MethodPost, "/user_management/authorize/device", groupAPI, "device authorization for the environment client", s.authorizeDeviceUM),
		r(http.MethodGet, "/user_management/sessions/logout", groupAPI, "end a session, 302 to return_to", s.logout),
		r(http.MethodPost, "/user_management/sessions/revoke", groupAPI, "revoke a session", s.revokeSession, key),
		r(http.MethodGet, "/user_management/users/:id/sessions", groupAPI, "a user's sessions", s.listUserSessions, key),
		r(http.MethodPost, "/user_management/magic_auth", groupAPI, "send a magic-auth code (to the outbox)", s.createMagicAuth, key),
		r(http.MethodGet, "/user_management/magic_auth/:id", groupAPI, "a magic-auth code", s.getMagicAuth, key),
		r(http.MethodPost, "/user_management/users/:id/email_verification/send", groupAPI, "send an e-mail verification code", s.sendVerificationEmail, key),
		r(http.MethodPost, "/user_management/users/:id/email_verification/confirm", groupAPI, "confirm an e-mail verification code", s.confirmEmail, key),
		r(http.MethodGet, "/user_management/email_verification/:id", groupAPI, "an e-mail verification", s.getEmailVerification, key),
		r(http.MethodPost, "/user_management/password_reset", groupAPI, "create a password reset (to the outbox)", s.createPasswordReset, key),
		r(http.MethodGet, "/user_management/password_reset/:id", groupAPI, "a password reset", s.getPasswordReset, key),
		r(http.MethodPost, "/user_management/password_reset/confirm", groupAPI, "set a new password with a reset token", s.confirmPasswordReset, key),
		r(http.MethodGet, "/user_management/users/:id/auth_factors", groupAPI, "a user's MFA factors", s.listFactors, key),
		r(http.MethodPost, "/user_management/users/:id/auth_factors", groupAPI, "enroll a TOTP factor", s.enrollFactor, key),
		r(http.MethodPost, "/auth/factors/:id/challenge", groupAPI, "challenge a factor (before the mfa-totp grant)", s.createChallenge, key),

		r(http.MethodGet, "/user_management/users", groupAPI, "list users (email, organization_id)", s.listUsers, key),
		r(http.MethodPost, "/user_management/users", groupAPI, "create a user", s.createUserAPI, key),
		r(http.MethodGet, "/user_management/users/external_id/:external_id", groupAPI, "a user by external id", s.getUserByExternalID, key),
		r(http.MethodGet, "/user_management/users/:id", groupAPI, "a user", s.getUserAPI, key),
		r(http.MethodPut, "/user_management/users/:id", groupAPI, "update a user", s.updateUserAPI, key),
		r(http.MethodDelete, "/user_management/users/:id", groupAPI, "delete a user (ends its sessions)", s.deleteUserAPI, key),
		r(http.MethodGet, "/user_management/users/:id/identities", groupAPI, "a user's identities (always none)", s.userIdentities, key),

		r(http.MethodGet, "/organizations", groupAPI, "list organizations (domains, search)", s.listOrganizations, key),
		r(http.MethodPost, "/organizations", groupAPI, "create an organization", s.createOrganization, key),
		r(http.MethodGet, "/organizations/external_id/:external_id", groupAPI, "an organization by external id", s.getOrganizationByExternalID, key),
		r(http.MethodGet, "/organizations/:id", groupAPI, "an organization", s.getOrganization, key),
		r(http.MethodPut, "/organizations/:id", groupAPI, "update an organization", s.updateOrganization, key),
		r(http.MethodDelete, "/organizations/:id", groupAPI, "delete an organization (and its memberships)", s.deleteOrganization, key),
		r(http.MethodGet, "/organizations/:id/roles", groupAPI, "roles of an organization (legacy)", s.legacyOrganizationRoles, key),

		r(http.MethodGet, "/user_management/organization_memberships", groupAPI, "list memberships (user_id, organization_id, statuses)", s.listMemberships, key),
		r(http.MethodPost, "/user_management/organization_memberships", groupAPI, "create a membership", s.createMembership, key),
		r(http.MethodGet, "/user_management/organization_memberships/:id", groupAPI, "a membership", s.getMembership, key),
		r(http.MethodPut, "/user_management/organization_memberships/:id", groupAPI, "change a membership's roles", s.updateMembership, key),
		r(http.MethodDelete, "/user_management/organization_memberships/:id", groupAPI, "delete a membership", s.deleteMembership, key),
		r(http.MethodPut, "/user_management/organization_memberships/:id/deactivate", groupAPI, "deactivate a membership", s.setMembershipStatus(fixtures.MembershipInactive), key),
		r(http.MethodPut, "/user_management/organization_memberships/:id/reactivate", groupAPI, "reactivate a membership", s.setMembershipStatus(fixtures.MembershipActive), key),

		r(http.MethodGet, "/authorization/roles", groupAPI, "environment roles", s.listRoles, key),
		r(http.MethodPost, "/authorization/roles", groupAPI, "create an environment role", s.createRole, key),
		r(http.MethodGet, "/authorization/roles/:slug", groupAPI, "an environment role", s.getRole, key),
		r(http.MethodPatch, "/authorization/roles/:slug", groupAPI, "update an environment role", s.updateRole, key),
		r(http.MethodPut, "/authorization/roles/:slug/permissions", groupAPI, "set a role's permissions", s.setRolePermissions, key),
		r(http.MethodPost, "/authorization/roles/:slug/permissions", groupAPI, "add a permission to a role", s.addRolePermission, key),
		r(http.MethodGet, "/authorization/organizations/:org/roles", groupAPI, "roles of an organization (environment + own)", s.listRoles, key),
		r(http.MethodPost, "/authorization/organizations/:org/roles", groupAPI, "create an organization role", s.createRole, key),
		r(http.MethodGet, "/authorization/organizations/:org/roles/:slug", groupAPI, "an organization role", s.getRole, key),
		r(http.MethodPatch, "/authorization/organizations/:org/roles/:slug", groupAPI, "update an organization role", s.updateRole, key),
		r(http.MethodDelete, "/authorization/organizations/:org/roles/:slug", groupAPI, "delete an organization role", s.deleteRole, key),
		r(http.MethodPut, "/authorization/organizations/:org/roles/:slug/permissions", groupAPI, "set an organization role's permissions", s.setRolePermissions, key),
		r(http.MethodPost, "/authorization/organizations/:org/roles/:slug/permissions", groupAPI, "add a permission to an organization role", s.addRolePermission, key),
		r(http.MethodDelete, "/authorization/organizations/:org/roles/:slug/permissions/:permission", groupAPI, "remove a permission from an organization role", s.removeRolePermission, key),
		r(http.MethodGet, "/authorization/permissions", groupAPI, "list permissions", s.listPermissions, key),
		r(http.MethodPost, "/authorization/permissions", groupAPI, "create a permission", s.createPermission, key),
		r(http.MethodGet, "/authorization/permissions/:slug", groupAPI, "a permission", s.getPermission, key),
		r(http.MethodPatch, "/authorization/permissions/:slug", groupAPI, "update a permission", s.updatePermission, key),
		r(http.MethodDelete, "/authorization/permissions/:slug", groupAPI, "delete a permission", s.deletePermission, key),

		r(http.MethodGet, "/user_management/invitations", groupAPI, "list invitations (organization_id, email)", s.listInvitations, key),
		r(http.MethodPost, "/user_management/invitations", groupAPI, "send an invitation (to the outbox)", s.createInvitation, key),
		r(http.MethodGet, "/user_management/invitations/by_token/:token", groupAPI, "an invitation by token", s.getInvitationByToken, key),
		r(http.MethodGet, "/user_management/invitations/:id", groupAPI, "an invitation", s.getInvitation, key),
		r(http.MethodPost, "/user_management/invitations/:id/accept", groupAPI, "accept an invitation (creates the membership)", s.acceptInvitation, key),
		r(http.MethodPost, "/user_management/invitations/:id/revoke", groupAPI, "revoke an invitation", s.revokeInvitation, key),
		r(http.MethodPost, "/user_management/invitations/:id/resend", groupAPI, "resend an invitation", s.resendInvitation, key),

		r(http.MethodPost, "/api_keys/validations", groupAPI, "validate an organization API key", s.validateAPIKey, key),
		r(http.MethodGet, "/user_management/jwt_template", groupAPI, "the JWT template", s.getJWTTemplate, key),
		r(http.MethodPut, "/user_management/jwt_template", groupAPI, "set the JWT template (custom claims)", s.putJWTTemplate, key),
		r(http.MethodGet, "/_emulator/health", groupControl, "health: {\"status\":\"ok\"}", s.health),
	}
	if s.cfg.DisableControl {
		return table
	}
	return append(table,
		r(http.MethodGet, "/_emulator", groupControl, "list the control routes", s.controlIndex, ctl),
		r(http.MethodPost, "/_emulator/reset", groupControl, "back to the loaded world ({\"keep_clock\":true} keeps the clock)", s.controlReset, ctl),
		r(http.MethodGet, "/_emulator/clock", groupControl, "read the instance clock", s.controlClock, ctl),
		r(http.MethodPost, "/_emulator/clock", groupControl, "{\"set\":RFC3339} | {\"advance\":\"90s\"} | {\"real\":true}", s.controlClock, ctl),
		r(http.MethodPost, "/_emulator/fixtures", groupControl, "merge YAML or JSON fixtures into the running world", s.controlFixtures, ctl),
		r(http.MethodPost, "/_emulator/tokens", groupControl, "mint a token (or a bad one, with \"defect\")", s.controlMint, ctl),
		r(http.MethodGet, "/_emulator/sessions/:id", groupControl, "a session with its current tokens", s.controlSession, ctl),
		r(http.MethodPost, "/_emulator/sessions/:id/revoke", groupControl, "revoke a session", s.controlRevokeSession, ctl),
		r(http.MethodGet, "/_emulator/faults", groupControl, "list scripted faults", s.controlFaults, ctl),
		r(http.MethodPost, "/_emulator/faults", groupControl, "add a fault: method, path, status, body, count, delay", s.controlFaults, ctl),
		r(http.MethodDelete, "/_emulator/faults", groupControl, "clear faults", s.controlFaults, ctl),
		r(http.MethodGet, "/_emulator/requests", groupControl, "the request journal (?method=&path=&since=)", s.controlRequests, ctl),
		r(http.MethodDelete, "/_emulator/requests", groupControl, "clear the journal", s.controlRequests, ctl),
		r(http.MethodGet, "/_emulator/codes", groupControl, "the outbox: codes and links the real service would e-mail (?email=&kind=)", s.controlCodes, ctl),
		r(http.MethodGet, "/_emulator/keys", groupControl, "published signing keys", s.controlKeys, ctl),
		r(http.MethodPost, "/_emulator/keys/rotate", groupControl, "rotate to the next signing key", s.controlRotateKey, ctl),
		r(http.MethodDelete, "/_emulator/keys/:kid", groupControl, "retire a key that no longer signs", s.controlRetireKey, ctl),
	)
}

// Routes lists the emulated endpoints.
func (s *Server) Routes() []Route {
	table := s.routeTable()
	out := make([]Route, len(table))
	for i, rt := range table {
		out[i] = rt.Route
	}
	return out
}

// router builds the Echo router of a route table.
func (s *Server) router(table []route) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.frontDoor)
	for _, rt := range table {
		e.Add(rt.Method, rt.Path, rt.h, rt.mw...)
	}
	return e
}
