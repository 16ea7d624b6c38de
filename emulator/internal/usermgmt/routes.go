// Package usermgmt is WorkOS User Management's API: users and their
// identities, sessions and MFA factors, organization memberships, magic auth, e-mail verification,
// password resets, invitations and the JWT template. Everything here reads
// and writes the same world the sign-in flows use: a user created here can
// sign in at once, and a deleted one's tokens stop working.
package usermgmt

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// api serves the routes of every environment.
type api struct{ env web.Env }

// Routes lists the area's routes.
func Routes(env web.Env) []web.Route {
	a := &api{env: env}
	const g, key = web.GroupAPI, web.APIKey
	return append([]web.Route{
		web.R(http.MethodGet, "/user_management/users", g, key, "list users (email, organization_id)", a.listUsers),
		web.R(http.MethodPost, "/user_management/users", g, key, "create a user", a.createUser),
		web.R(http.MethodGet, "/user_management/users/external_id/:external_id", g, key, "a user by external id", a.getUserByExternalID),
		web.R(http.MethodGet, "/user_management/users/:id", g, key, "a user", a.getUser),
		web.R(http.MethodPut, "/user_management/users/:id", g, key, "update a user", a.updateUser),
		web.R(http.MethodDelete, "/user_management/users/:id", g, key, "delete a user (ends its sessions)", a.deleteUser),
		web.R(http.MethodGet, "/user_management/users/:id/identities", g, key, "a user's OAuth identities (Google, GitHub, ... sign-ins)", a.userIdentities),
		web.R(http.MethodGet, "/user_management/users/:id/sessions", g, key, "a user's sessions", a.listUserSessions),
		web.R(http.MethodPost, "/user_management/magic_auth", g, key, "send a magic-auth code (to the outbox)", a.createMagicAuth),
		web.R(http.MethodGet, "/user_management/magic_auth/:id", g, key, "a magic-auth code", a.getMagicAuth),
		web.R(http.MethodPost, "/user_management/users/:id/email_verification/send", g, key, "send an e-mail verification code", a.sendVerificationEmail),
		web.R(http.MethodPost, "/user_management/users/:id/email_verification/confirm", g, key, "confirm an e-mail verification code", a.confirmEmail),
		web.R(http.MethodGet, "/user_management/email_verification/:id", g, key, "an e-mail verification", a.getEmailVerification),
		web.R(http.MethodPost, "/user_management/password_reset", g, key, "create a password reset (to the outbox)", a.createPasswordReset),
		web.R(http.MethodGet, "/user_management/password_reset/:id", g, key, "a password reset", a.getPasswordReset),
		web.R(http.MethodPost, "/user_management/password_reset/confirm", g, key, "set a new password with a reset token", a.confirmPasswordReset),
		web.R(http.MethodGet, "/user_management/users/:id/auth_factors", g, key, "a user's MFA factors", a.listFactors),
		web.R(http.MethodPost, "/user_management/users/:id/auth_factors", g, key, "enroll a TOTP factor", a.enrollFactor),
		web.R(http.MethodPost, "/auth/factors/:id/challenge", g, key, "challenge a factor (before the mfa-totp grant)", a.createChallenge),
		web.R(http.MethodGet, "/user_management/organization_memberships", g, key, "list memberships (user_id, organization_id, statuses)", a.listMemberships),
		web.R(http.MethodPost, "/user_management/organization_memberships", g, key, "create a membership", a.createMembership),
		web.R(http.MethodGet, "/user_management/organization_memberships/:id", g, key, "a membership", a.getMembership),
		web.R(http.MethodPut, "/user_management/organization_memberships/:id", g, key, "change a membership's roles", a.updateMembership),
		web.R(http.MethodDelete, "/user_management/organization_memberships/:id", g, key, "delete a membership", a.deleteMembership),
		web.R(http.MethodPut, "/user_management/organization_memberships/:id/deactivate", g, key, "deactivate a membership", a.setMembershipStatus(fixtures.MembershipInactive)),
		web.R(http.MethodPut, "/user_management/organization_memberships/:id/reactivate", g, key, "reactivate a membership", a.setMembershipStatus(fixtures.MembershipActive)),
		web.R(http.MethodGet, "/user_management/invitations", g, key, "list invitations (organization_id, email)", a.listInvitations),
		web.R(http.MethodPost, "/user_management/invitations", g, key, "send an invitation (to the outbox)", a.createInvitation),
		web.R(http.MethodGet, "/user_management/invitations/by_token/:token", g, key, "an invitation by token", a.getInvitationByToken),
		web.R(http.MethodGet, "/user_management/invitations/:id", g, key, "an invitation", a.getInvitation),
		web.R(http.MethodPost, "/user_management/invitations/:id/accept", g, key, "accept an invitation (creates the membership)", a.acceptInvitation),
		web.R(http.MethodPost, "/user_management/invitations/:id/revoke", g, key, "revoke an invitation", a.revokeInvitation),
		web.R(http.MethodPost, "/user_management/invitations/:id/resend", g, key, "resend an invitation", a.resendInvitation),
		web.R(http.MethodGet, "/user_management/jwt_template", g, key, "the JWT template", a.getJWTTemplate),
		web.R(http.MethodPut, "/user_management/jwt_template", g, key, "set the JWT template (custom claims)", a.putJWTTemplate),
	}, a.extraRoutes()...)
}
