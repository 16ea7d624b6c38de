package signin_test

import (
	"net/http"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestInterruptions walks the 403 flows: e-mail verification (Carol),
// organization selection (Bob), MFA challenge and enrollment.
func TestInterruptions(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})

	t.Run("email verification", func(t *testing.T) {
		r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "carol@example.com", "password": "unverified"})
		emutest.WantError(t, r, 403, "email_verification_required")
		m := r.JSON(t)
		pending := m["pending_authentication_token"].(string)
		codes := srv.Codes("carol@example.com", emulator.KindEmailVerification)
		if len(codes) != 1 || codes[0].ID != m["email_verification_id"] || m["email"] != "carol@example.com" {
			t.Fatalf("outbox %+v, body %v", codes, m)
		}
		grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:email-verification:code", "pending_authentication_token": pending}
		grant["code"] = "000000"
		if codes[0].Code == "000000" {
			grant["code"] = "111111"
		}
		emutest.WantError(t, srv.Authenticate(t, grant), 400, "invalid_one_time_code")
		grant["code"] = codes[0].Code
		out := emutest.SignedIn(t, srv.Authenticate(t, grant))
		if out["user"].(map[string]any)["email_verified"] != true {
			t.Fatalf("e-mail not verified: %v", out["user"])
		}
		emutest.WantError(t, srv.Authenticate(t, grant), 400, "invalid_pending_authentication_token")
	})

	t.Run("organization selection", func(t *testing.T) {
		r := srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder"})
		emutest.WantError(t, r, 403, "organization_selection_required")
		m := r.JSON(t)
		if orgs := m["organizations"].([]any); len(orgs) != 2 {
			t.Fatalf("organizations %v", orgs)
		}
		grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:organization-selection", "pending_authentication_token": m["pending_authentication_token"]}
		grant["organization_id"] = "org_01JGHYEQJ3R88ZXE6V4AJ192KZ"
		emutest.WantError(t, srv.Authenticate(t, grant), 400, "invalid_organization_id")
		grant["organization_id"] = emutest.GlobexID
		out := emutest.SignedIn(t, srv.Authenticate(t, grant))
		if out["organization_id"] != emutest.GlobexID || emutest.Claims(t, out["access_token"].(string))["role"] != "member" {
			t.Fatalf("%v", out)
		}
	})

	t.Run("mfa challenge", func(t *testing.T) {
		const secret = "JBSWY3DPEHPK3PXP"
		mfa := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: client_123}
users: [{email: mfa@example.com, email_verified: true, password: pw, totp_secret: `+secret+`}]
`)})
		r := mfa.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": "client_123",
			"client_secret": emutest.APIKey, "email": "mfa@example.com", "password": "pw"})
		emutest.WantError(t, r, 403, "mfa_challenge")
		m := r.JSON(t)
		factor := m["authentication_factors"].([]any)[0].(map[string]any)
		ch := mfa.Do(t, http.MethodPost, "/auth/factors/"+factor["id"].(string)+"/challenge", nil, "Authorization", "Bearer "+emutest.APIKey)
		if ch.Status != 201 {
			t.Fatalf("challenge: %d %s", ch.Status, ch.Body)
		}
		code, _ := totp.GenerateCode(secret, mfa.Clock().Now())
		out := mfa.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
			"client_id": "client_123", "client_secret": emutest.APIKey, "pending_authentication_token": m["pending_authentication_token"],
			"authentication_challenge_id": ch.JSON(t)["id"], "code": code})
		emutest.SignedIn(t, out)
	})

	t.Run("mfa enrollment", func(t *testing.T) {
		required := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, `
environment: {client_id: client_123, require_mfa: true}
users: [{id: user_01JGH00N0CRRAQG5E1V2EYRQ68, email: new@example.com, email_verified: true, password: pw}]
`)})
		r := required.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "password", "client_id": "client_123",
			"client_secret": emutest.APIKey, "email": "new@example.com", "password": "pw"})
		emutest.WantError(t, r, 403, "mfa_enrollment")
		enr := required.PostJSON(t, "/user_management/users/"+emutest.AliceID+"/auth_factors", map[string]any{"type": "totp"}, "Authorization", "Bearer "+emutest.APIKey)
		if enr.Status != 201 {
			t.Fatalf("enroll: %d %s", enr.Status, enr.Body)
		}
		e := enr.JSON(t)
		secret := e["authentication_factor"].(map[string]any)["totp"].(map[string]any)["secret"].(string)
		code, _ := totp.GenerateCode(secret, required.Clock().Now())
		emutest.SignedIn(t, required.PostJSON(t, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:mfa-totp",
			"client_id": "client_123", "client_secret": emutest.APIKey, "pending_authentication_token": r.JSON(t)["pending_authentication_token"],
			"authentication_challenge_id": e["authentication_challenge"].(map[string]any)["id"], "code": code}))
	})
}
