package emulator_test

// TestContract checks the emulator against WorkOS's published OpenAPI spec
// (reference/workos-openapi.yaml): a realistic scenario drives every route
// of the route table that is a spec operation, at least once to a success
// and once to an error, through a wrapper that validates every request it
// sends and every response the emulator returns (contract_validate_test.go).
// A response the spec does not allow fails the test, unless the exceptions
// table below names it and says why the spec, not the emulator, is wrong.
// A request the scenario makes invalid on purpose says so, case by case,
// with invalidBecause(reason) (noKey for the 401s): only its response is
// validated, and the validator must agree that the request is invalid.
//
// Routes not in the spec, so not checked here:
//   - the AuthKit domain: /.well-known/openid-configuration,
//     /.well-known/oauth-authorization-server, /oauth2/jwks,
//     /oauth2/introspection, /oauth2/token, /oauth2/userinfo (GET, POST),
//     /oauth2/authorize, /oauth2/device_authorization, /authkit/login (GET,
//     POST), /device (GET, POST);
//   - the control plane: /_emulator and everything under it;
//   - GET /organizations/:id/roles, the legacy roles list the SDKs still
//     call (workos-node's organizations.listOrganizationRoles), absent from
//     the spec;
//   - GET /authorization/resources/:resource/organization_memberships/:om/permissions,
//     the effective-permissions path workos-node 11 calls, absent from the
//     spec (which has it under /authorization/organization_memberships).

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractExceptions are the places where the spec is wrong about the real
// service. Each entry excuses the response findings for one operation ("*":
// every operation) and status whose message contains Match; a request the
// spec rejects is never excused. An exception no exchange needs fails too.
var contractExceptions = []contractException{
	{Op: "*", Status: 401, Match: "does not exist",
		Reason: "every operation behind the bearer API key answers 401 without one, but the spec documents 401 for none but POST /api_keys/validations"},
	{Op: "POST /user_management/organization_memberships", Status: 409, Match: "does not exist",
		Reason: "WorkOS answers a duplicate membership (same user and organization) with 409; the spec lists no 409 for this operation"},
	{Op: "GET /authorization/permissions", Status: 422, Match: "does not exist",
		Reason: "an out-of-range limit (the spec's own maximum is 100) gets the 422 invalid_request_parameters every WorkOS list answers; the spec documents it for the other lists but not this one"},
	{Op: "GET /user_management/users/{userlandUserId}/auth_factors", Status: 404, Match: "does not exist",
		Reason: "an unknown user id is a 404 entity_not_found, as on every other /user_management/users/{id}/... operation; the spec lists only 200 and 422 here"},
	{Op: "GET /data-integrations", Status: 422, Match: "does not exist",
		Reason: "an out-of-range limit (the spec's own bounds are 1 to 100) gets the 422 invalid_request_parameters every WorkOS list answers; the spec documents only 200 and 401 for this list"},
	{Op: "PUT /vault/v1/kv/{id}", Status: 404, Match: "does not exist",
		Reason: "an unknown object id is a 404, as on every other /vault/v1/kv/{id} operation (the SDK throws its NotFoundException); the spec lists only 201, 400 and 409 for the update"},
	{Op: "DELETE /directories/{id}", Status: 404, Match: "does not exist",
		Reason: "an unknown directory id is a 404 entity_not_found, as GET /directories/{id} documents; the spec lists only 200, 202 and 403 for the delete"},
	{Op: "POST /user_management/authenticate", Status: 403, Match: "value must be 'radar_sms_sign_in_challenge' at $.code",
		Reason: "a Radar challenge is answered with the codes the SDKs handle (radar_email_challenge with radar_challenge_id, radar_sms_challenge: @workos-inc/node 11's AuthenticationException); the spec lists older names (radar_challenge, radar_sms_sign_in_challenge)"},
	{Op: "POST /user_management/radar_challenges", Status: 400, Match: "does not exist",
		Reason: "the spec lists only the 201, but a pending authentication token that is unknown, expired or another user's must be refused, with the invalid_pending_authentication_token the authenticate grants use"},
	{Op: "GET /user_management/authorize", Status: 400, Match: "does not exist",
		Reason: "the spec documents only the redirect, but an unknown client_id cannot be redirected anywhere safe, so the service must answer it with an error of its own"},
	{Op: "GET /sso/authorize", Status: 400, Match: "does not exist",
		Reason: "as for /user_management/authorize: an unknown client_id cannot be redirected anywhere safe"},
}

const (
	ctCarolID  = "user_01JGJ48F1WQQHDNXHABSCR87EJ"
	ctMissing  = "01JGK40000000000000000ZZZZ" // a well-formed id suffix no object has
	ctTOTP     = "JBSWY3DPEHPK3PXP"
	ctOrgKey   = "sk_org_contract_key"
	ctRedirect = "http://localhost:3000/callback"
)

// ctExtraWorld adds what the default world lacks: a user enrolled in TOTP
// MFA and an organization with an API key.
const ctExtraWorld = `
users:
  - {email: mfa@example.com, email_verified: true, password: pw, totp_secret: ` + ctTOTP + `}
organizations:
  - {name: Initrode, api_keys: [{name: ci, value: ` + ctOrgKey + `, permissions: [reports:read]}]}
`

func TestContract(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	run := newContractRun(t, contractExceptions)
	t.Logf("spec loaded in %v (once per test binary)", run.spec.took)

	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctExtraWorld), "contract.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const (
		GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	id := func(m map[string]any) string { return m["id"].(string) }

	c.step = "1 keys"
	c.json(200, GET, "/sso/jwks/"+emutest.EnvClientID, nil)
	c.errCode(404, "entity_not_found", GET, "/sso/jwks/client_"+ctMissing, nil)

	c.step = "2 users"
	dave := c.json(201, POST, "/user_management/users", map[string]any{"email": "dave@example.com", "password": "pw-dave-1",
		"first_name": "Dave", "last_name": "Doe", "external_id": "ext-dave", "metadata": map[string]any{"team": "red"}})
	daveID := id(dave)
	c.errCode(400, "user_creation_error", POST, "/user_management/users", map[string]any{"email": "DAVE@example.com"})
	c.errCode(422, "invalid_request_parameters", POST, "/user_management/users", map[string]any{"email": "not an email"},
		invalidBecause("email is not an e-mail address"))
	c.json(200, GET, "/user_management/users?limit=2&order=asc", nil)
	c.json(200, GET, "/user_management/users?email=mfa@example.com", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/user_management/users?limit=0", nil, invalidBecause("limit below 1"))
	c.json(200, GET, "/user_management/users/"+daveID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing, nil)
	c.json(200, GET, "/user_management/users/external_id/ext-dave", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/external_id/ext-nobody", nil)
	c.json(200, PUT, "/user_management/users/"+daveID, map[string]any{"first_name": "David", "email_verified": true})
	c.errCode(400, "email_not_available", PUT, "/user_management/users/"+daveID, map[string]any{"email": "alice@example.com"})
	c.call(200, GET, "/user_management/users/"+daveID+"/identities", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/identities", nil)

	c.step = "3 organizations"
	org := c.json(201, POST, "/organizations", map[string]any{"name": "Initech", "external_id": "ext-initech",
		"domain_data": []map[string]string{{"domain": "initech.test", "state": "verified"}}})
	orgID := id(org)
	c.errCode(409, "conflict", POST, "/organizations", map[string]any{"name": "Other", "domain_data": []map[string]string{{"domain": "acme.test", "state": "verified"}}})
	c.errCode(422, "invalid_request_parameters", POST, "/organizations", map[string]any{}, invalidBecause("name is required"))
	c.json(200, GET, "/organizations?limit=2", nil)
	c.json(200, GET, "/organizations?domains=initech.test", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/organizations?order=sideways", nil, invalidBecause("order is not asc or desc"))
	c.json(200, GET, "/organizations/"+orgID, nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/org_"+ctMissing, nil)
	c.json(200, GET, "/organizations/external_id/ext-initech", nil)
	c.errCode(404, "entity_not_found", GET, "/organizations/external_id/ext-nobody", nil)
	c.json(200, PUT, "/organizations/"+orgID, map[string]any{"name": "Initech Inc", "metadata": map[string]any{"plan": "pro"}})
	c.errCode(404, "entity_not_found", PUT, "/organizations/org_"+ctMissing, map[string]any{"name": "Nobody"})

	c.step = "4 memberships"
	m := c.json(201, POST, "/user_management/organization_memberships", map[string]any{"user_id": daveID, "organization_id": orgID, "role_slug": "member"})
	mID := id(m)
	c.errCode(409, "conflict", POST, "/user_management/organization_memberships", map[string]any{"user_id": daveID, "organization_id": orgID})
	c.errCode(422, "invalid_role", POST, "/user_management/organization_memberships", map[string]any{"user_id": emutest.BobID, "organization_id": orgID, "role_slug": "ghost"})
	c.json(200, GET, "/user_management/organization_memberships?organization_id="+orgID, nil)
	c.json(200, GET, "/user_management/organization_memberships?user_id="+emutest.BobID+"&statuses=active&statuses=inactive", nil)
	c.errCode(400, "missing_user_id_or_organization_id", GET, "/user_management/organization_memberships", nil)
	c.json(200, GET, "/user_management/organization_memberships/"+mID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/organization_memberships/om_"+ctMissing, nil)
	c.json(200, PUT, "/user_management/organization_memberships/"+mID, map[string]any{"role_slugs": []string{"admin", "member"}})
	c.errCode(404, "entity_not_found", PUT, "/user_management/organization_memberships/om_"+ctMissing, map[string]any{"role_slug": "member"})
	c.json(200, PUT, "/user_management/organization_memberships/"+mID+"/deactivate", nil)
	c.errCode(404, "entity_not_found", PUT, "/user_management/organization_memberships/om_"+ctMissing+"/deactivate", nil)
	c.json(200, PUT, "/user_management/organization_memberships/"+mID+"/reactivate", nil)
	c.errCode(404, "entity_not_found", PUT, "/user_management/organization_memberships/om_"+ctMissing+"/reactivate", nil)

	c.step = "5 roles and permissions"
	c.json(200, GET, "/authorization/roles", nil)
	c.json(201, POST, "/authorization/roles", map[string]any{"slug": "viewer", "name": "Viewer", "description": "Reads"})
	c.errCode(409, "role_slug_conflict", POST, "/authorization/roles", map[string]any{"slug": "viewer", "name": "Again"})
	c.json(200, GET, "/authorization/roles/viewer", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/roles/ghost", nil)
	c.json(200, PATCH, "/authorization/roles/viewer", map[string]any{"name": "Viewer+"})
	c.errCode(404, "entity_not_found", PATCH, "/authorization/roles/ghost", map[string]any{"name": "Ghost"})
	for _, slug := range []string{"billing:read", "audit:read", "audit:export", "audit:list"} {
		c.json(201, POST, "/authorization/permissions", map[string]any{"slug": slug, "name": slug})
	}
	c.json(200, PUT, "/authorization/roles/viewer/permissions", map[string]any{"permissions": []string{"users:read"}})
	c.errCode(404, "entity_not_found", PUT, "/authorization/roles/viewer/permissions", map[string]any{"permissions": []string{"no:such"}})
	c.errCode(404, "entity_not_found", PUT, "/authorization/roles/ghost/permissions", map[string]any{"permissions": []string{}})
	c.json(200, POST, "/authorization/roles/viewer/permissions", map[string]any{"slug": "billing:read"})
	c.errCode(404, "entity_not_found", POST, "/authorization/roles/ghost/permissions", map[string]any{"slug": "billing:read"})
	c.errCode(404, "entity_not_found", POST, "/authorization/roles/viewer/permissions", map[string]any{"slug": "no:such"})

	orgRoles := "/authorization/organizations/" + orgID + "/roles"
	c.json(200, GET, orgRoles, nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/organizations/org_"+ctMissing+"/roles", nil)
	c.json(201, POST, orgRoles, map[string]any{"slug": "auditor", "name": "Auditor"})
	c.errCode(409, "organization_role_slug_conflict", POST, orgRoles, map[string]any{"slug": "auditor", "name": "Again"})
	c.json(200, GET, orgRoles+"/auditor", nil)
	c.errCode(404, "entity_not_found", GET, orgRoles+"/ghost", nil)
	c.json(200, PATCH, orgRoles+"/auditor", map[string]any{"description": "Reads the audit log"})
	c.errCode(404, "entity_not_found", PATCH, orgRoles+"/ghost", map[string]any{"name": "Ghost"})
	c.json(200, PUT, orgRoles+"/auditor/permissions", map[string]any{"permissions": []string{"audit:read", "audit:export"}})
	c.errCode(404, "entity_not_found", PUT, orgRoles+"/ghost/permissions", map[string]any{"permissions": []string{}})
	c.json(200, POST, orgRoles+"/auditor/permissions", map[string]any{"slug": "audit:list"})
	c.errCode(404, "entity_not_found", POST, orgRoles+"/ghost/permissions", map[string]any{"slug": "audit:list"})
	c.json(200, DELETE, orgRoles+"/auditor/permissions/audit:export", nil)
	c.errCode(404, "entity_not_found", DELETE, orgRoles+"/ghost/permissions/audit:export", nil)

	c.json(201, POST, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Export reports"})
	c.errCode(409, "permission_slug_conflict", POST, "/authorization/permissions", map[string]any{"slug": "reports:export", "name": "Again"})
	c.json(200, GET, "/authorization/permissions?limit=10", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/authorization/permissions?limit=101", nil, invalidBecause("limit above 100"))
	c.json(200, GET, "/authorization/permissions/reports:export", nil)
	c.errCode(404, "entity_not_found", GET, "/authorization/permissions/ghost:read", nil)
	c.json(200, PATCH, "/authorization/permissions/reports:export", map[string]any{"description": "CSV export"})
	c.errCode(404, "entity_not_found", PATCH, "/authorization/permissions/ghost:read", map[string]any{"name": "Ghost"})

	c.step = "6 invitations"
	inv := c.json(201, POST, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": emutest.AcmeID, "role_slug": "admin"})
	c.errCode(400, "email_already_invited_to_organization", POST, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": emutest.AcmeID})
	c.json(200, GET, "/user_management/invitations?organization_id="+emutest.AcmeID, nil)
	c.errCode(422, "invalid_request_parameters", GET, "/user_management/invitations?limit=x", nil, invalidBecause("limit is not a number"))
	c.json(200, GET, "/user_management/invitations/by_token/"+inv["token"].(string), nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/invitations/by_token/nope", nil)
	c.json(200, GET, "/user_management/invitations/"+id(inv), nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/invitations/invitation_"+ctMissing, nil)
	c.json(200, POST, "/user_management/invitations/"+id(inv)+"/resend", map[string]any{})
	c.json(200, POST, "/user_management/invitations/"+id(inv)+"/accept", nil)
	c.errCode(400, "invite_not_pending", POST, "/user_management/invitations/"+id(inv)+"/accept", nil)
	c.errCode(400, "invite_not_pending", POST, "/user_management/invitations/"+id(inv)+"/revoke", nil)
	other := c.json(201, POST, "/user_management/invitations", map[string]any{"email": "finn@example.com", "expires_in_days": 1})
	c.json(200, POST, "/user_management/invitations/"+id(other)+"/revoke", nil)
	c.errCode(400, "invite_revoked", POST, "/user_management/invitations/"+id(other)+"/resend", map[string]any{})

	c.step = "7 magic auth, e-mail verification, password reset"
	ma := c.json(201, POST, "/user_management/magic_auth", map[string]any{"email": "dave@example.com"})
	c.errCode(422, "invalid_request_parameters", POST, "/user_management/magic_auth", map[string]any{"email": "nope"}, invalidBecause("email is not an e-mail address"))
	c.json(200, GET, "/user_management/magic_auth/"+id(ma), nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/magic_auth/magic_auth_"+ctMissing, nil)
	c.json(200, POST, "/user_management/users/"+ctCarolID+"/email_verification/send", nil)
	c.errCode(400, "email_already_verified", POST, "/user_management/users/"+emutest.AliceID+"/email_verification/send", nil)
	ev := srv.Codes("carol@example.com", emulator.KindEmailVerification)
	c.json(200, GET, "/user_management/email_verification/"+ev[len(ev)-1].ID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/email_verification/email_verification_"+ctMissing, nil)
	c.errCode(400, "email_verification_code_incorrect", POST, "/user_management/users/"+ctCarolID+"/email_verification/confirm", map[string]any{"code": wrongCode(ev[len(ev)-1].Code)})
	c.json(200, POST, "/user_management/users/"+ctCarolID+"/email_verification/confirm", map[string]any{"code": ev[len(ev)-1].Code})
	pr := c.json(201, POST, "/user_management/password_reset", map[string]any{"email": "bob@example.com"})
	c.errCode(404, "entity_not_found", POST, "/user_management/password_reset", map[string]any{"email": "nobody@example.com"})
	c.json(200, GET, "/user_management/password_reset/"+id(pr), nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/password_reset/password_reset_"+ctMissing, nil)
	c.errCode(400, "password_reset_error", POST, "/user_management/password_reset/confirm", map[string]any{"token": "nope", "new_password": "builder-2"})
	c.json(200, POST, "/user_management/password_reset/confirm", map[string]any{"token": pr["password_reset_token"], "new_password": "builder-2"})

	c.step = "8 sign-in: authenticate and its interruptions"
	authn := func(body map[string]any) map[string]any {
		body["client_id"], body["client_secret"] = emutest.EnvClientID, emutest.APIKey
		return body
	}
	alice := c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland"}))
	c.errCode(400, "invalid_credentials", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "nope"}))
	c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "refresh_token", "refresh_token": alice["refresh_token"], "organization_id": emutest.AcmeID}))
	c.errCode(400, "invalid_grant", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "refresh_token", "refresh_token": "nope"}))
	// magic auth code (sent in step 7)
	c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "dave@example.com", "code": ma["code"]}))
	// e-mail verification required: a fresh unverified user
	c.json(201, POST, "/user_management/users", map[string]any{"email": "gail@example.com", "password": "pw-gail-1"})
	r := c.errCode(403, "email_verification_required", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "gail@example.com", "password": "pw-gail-1"}))
	gail := srv.Codes("gail@example.com", emulator.KindEmailVerification)
	c.errCode(400, "invalid_one_time_code", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:email-verification:code",
		"pending_authentication_token": r["pending_authentication_token"], "code": wrongCode(gail[len(gail)-1].Code)}))
	c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:email-verification:code",
		"pending_authentication_token": r["pending_authentication_token"], "code": gail[len(gail)-1].Code}))
	// organization selection: Bob is in Acme and Globex
	r = c.errCode(403, "organization_selection_required", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder-2"}))
	c.errCode(400, "invalid_organization_id", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:organization-selection",
		"pending_authentication_token": r["pending_authentication_token"], "organization_id": "org_" + ctMissing}))
	c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:organization-selection",
		"pending_authentication_token": r["pending_authentication_token"], "organization_id": emutest.GlobexID}))
	// MFA challenge: the TOTP user of ctExtraWorld
	r = c.errCode(403, "mfa_challenge", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "mfa@example.com", "password": "pw"}))
	mfaUser := r["user"].(map[string]any)["id"].(string)
	factor := r["authentication_factors"].([]any)[0].(map[string]any)["id"].(string)
	ch := c.json(201, POST, "/auth/factors/"+factor+"/challenge", map[string]any{})
	c.errCode(404, "entity_not_found", POST, "/auth/factors/auth_factor_"+ctMissing+"/challenge", map[string]any{})
	code, err := totp.GenerateCode(ctTOTP, srv.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	c.errCode(400, "invalid_one_time_code", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
		"pending_authentication_token": r["pending_authentication_token"], "authentication_challenge_id": id(ch), "code": wrongCode(code)}))
	c.json(200, POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
		"pending_authentication_token": r["pending_authentication_token"], "authentication_challenge_id": id(ch), "code": code}))
	c.json(200, GET, "/user_management/users/"+mfaUser+"/auth_factors", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/auth_factors", nil)
	c.json(201, POST, "/user_management/users/"+daveID+"/auth_factors", map[string]any{"type": "totp", "totp_issuer": "Contract", "totp_user": "dave@example.com"})
	c.errCode(422, "invalid_request_parameters", POST, "/user_management/users/"+daveID+"/auth_factors", map[string]any{"type": "sms"}, invalidBecause("type is not totp"))
	// MFA enrollment: an environment that requires MFA
	strict := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: `+emutest.EnvClientID+`, require_mfa: true}
users: [{email: new@example.com, email_verified: true, password: pw}]
`)})
	sc := run.client(strict.Handler())
	sc.step = "8 sign-in: MFA enrollment"
	sc.errCode(403, "mfa_enrollment", POST, "/user_management/authenticate", authn(map[string]any{"grant_type": "password", "email": "new@example.com", "password": "pw"}))

	c.step = "9 sessions, hosted sign-in, device"
	c.json(200, GET, "/user_management/users/"+emutest.AliceID+"/sessions", nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/users/user_"+ctMissing+"/sessions", nil)
	c.call(200, POST, "/user_management/sessions/revoke", map[string]any{"session_id": emutest.AliceSession})
	c.errCode(400, "session_not_found", POST, "/user_management/sessions/revoke", map[string]any{"session_id": "session_" + ctMissing})
	sid := sessionOf(t, alice["access_token"].(string))
	c.call(302, GET, "/user_management/sessions/logout?"+url.Values{"session_id": {sid}, "return_to": {"http://localhost:3000"}}.Encode(), nil)
	c.errCode(422, "invalid_request_parameters", GET, "/user_management/sessions/logout?session_id=session_"+ctMissing, nil)
	c.call(302, GET, "/user_management/authorize?"+url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {ctRedirect},
		"response_type": {"code"}, "provider": {"authkit"}, "state": {"s1"}}.Encode(), nil)
	c.errCode(400, "invalid_client", GET, "/user_management/authorize?"+url.Values{"client_id": {"client_" + ctMissing}, "redirect_uri": {ctRedirect},
		"response_type": {"code"}, "provider": {"authkit"}}.Encode(), nil)
	c.json(200, POST, "/user_management/authorize/device", map[string]any{"client_id": emutest.EnvClientID})
	c.errCode(400, "invalid_client", POST, "/user_management/authorize/device", map[string]any{"client_id": "client_" + ctMissing})

	c.step = "10 API keys, JWT template"
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": ctOrgKey})
	c.json(200, POST, "/api_keys/validations", map[string]any{"value": "sk_nope"})
	c.errCode(422, "invalid_request_parameters", POST, "/api_keys/validations", map[string]any{}, invalidBecause("value is required"))
	c.json(200, PUT, "/user_management/jwt_template", map[string]any{"content": `{"email": {{user.email}}}`})
	c.json(200, GET, "/user_management/jwt_template", nil)
	c.errCode(422, "invalid_request_parameters", PUT, "/user_management/jwt_template", map[string]any{"content": `not json`})

	c.step = "11 deletions"
	c.call(204, DELETE, "/authorization/permissions/reports:export", nil)
	c.errCode(404, "entity_not_found", DELETE, "/authorization/permissions/reports:export", nil)
	c.call(204, DELETE, orgRoles+"/auditor", nil)
	c.errCode(404, "entity_not_found", DELETE, orgRoles+"/auditor", nil)
	c.call(200, DELETE, "/user_management/organization_memberships/"+mID, nil)
	c.errCode(404, "entity_not_found", DELETE, "/user_management/organization_memberships/"+mID, nil)
	c.call(200, DELETE, "/user_management/users/"+daveID, nil)
	c.errCode(404, "entity_not_found", DELETE, "/user_management/users/"+daveID, nil)
	c.call(200, DELETE, "/organizations/"+orgID, nil)

	c.step = "11b the events of everything above"
	if n := c.allEvents(); n < 30 {
		t.Errorf("the scenario emitted %d events: expected every change above to emit one", n)
	}

	// The product areas beyond the core, one scenario each
	// (contract_<area>_test.go), each on a fresh emulator through the same
	// validating run.
	for _, area := range []struct {
		name string
		run  func(*testing.T, *contractRun)
	}{
		{"events and webhooks", contractEvents},
		{"more events", contractMoreEvents},
		{"vault", contractVault},
		{"pipes", contractPipes},
		{"api keys", contractAPIKeys},
		{"connect", contractConnect},
		{"feature flags", contractFeatureFlags},
		{"widgets", contractWidgets},
		{"sso", contractSSO},
		{"directory sync", contractDirectorySync},
		{"audit logs", contractAuditLogs},
		{"authorization", contractAuthorization},
		{"user management extras", contractUMExtras},
		{"radar", contractRadar},
		{"agents", contractAgents},
	} {
		area.run(t, run)
	}

	c.step = "12 no API key"
	for _, rt := range srv.Routes() {
		op, ok := run.spec.operation(rt.Method, echoToConcrete(rt.Path))
		if !ok || !op.auth || rt.Path == "/user_management/authenticate" || rt.Path == "/sso/profile" {
			continue // authenticate takes the key as client_secret in the body; /sso/profile an SSO access token
		}
		c.errCode(401, "unauthorized", rt.Method, echoToConcrete(rt.Path), nil, noKey)
	}

	var routes []string
	for _, rt := range srv.Routes() {
		routes = append(routes, rt.Method+" "+rt.Path)
	}
	run.checkCoverage(routes)
	run.checkEventTypesDocumented("../docs/events.md")
	t.Logf("%d exchanges validated in %v (spec loading included):\n%s", run.exchanges, time.Since(begin), run.summary())
}

// wrongCode returns a six-digit code other than code.
func wrongCode(code any) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// sessionOf returns the sid claim of an access token.
func sessionOf(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.SID == "" {
		t.Fatalf("no sid in %s (%v)", payload, err)
	}
	return claims.SID
}

// TestContractValidatorRejects guards the guard: the validator, as
// configured for TestContract (lazily compiled schemas, spec fixes), does
// reject a wrong response shape, an undocumented status and a request
// without the API key.
func TestContractValidatorRejects(t *testing.T) {
	t.Parallel()
	spec, err := loadContractSpec()
	if err != nil {
		t.Fatal(err)
	}
	get := func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, contractServer+"/user_management/users/"+emutest.AliceID, nil)
		return r
	}
	respond := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: get()}
	}
	for _, tc := range []struct {
		name string
		res  *http.Response
	}{
		{"missing required fields", respond(200, `{"object":"user","id":"`+emutest.AliceID+`"}`)},
		{"wrong type", respond(200, `{"object":"user","id":1}`)},
		{"undocumented status", respond(201, `{}`)},
	} {
		if ok, _ := spec.v.ValidateHttpResponse(get(), tc.res); ok {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if ok, _ := spec.v.ValidateHttpRequestSync(get()); ok {
		t.Error("a request without the API key is accepted")
	}
	r := get()
	r.Header.Set("Authorization", "Bearer "+emutest.APIKey)
	if ok, errs := spec.v.ValidateHttpRequestSync(r); !ok {
		t.Errorf("a plain GET with the key is rejected: %v", errs)
	}
}
