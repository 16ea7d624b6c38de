package mfa_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

func enroll(t *testing.T, srv *emutest.Server, body map[string]any) map[string]any {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/auth/factors/enroll", body), 201)
}

func challenge(t *testing.T, srv *emutest.Server, factorID string) map[string]any {
	t.Helper()
	return emutest.WantJSON(t, srv.API(t, http.MethodPost, "/auth/factors/"+factorID+"/challenge", map[string]any{}), 201)
}

func verify(t *testing.T, srv *emutest.Server, challengeID, code string) emutest.Response {
	t.Helper()
	return srv.API(t, http.MethodPost, "/auth/challenges/"+challengeID+"/verify", map[string]any{"code": code})
}

// TestTOTP: a TOTP factor comes with its secret once (the otpauth URI and
// QR code too), never again; its challenge verifies a code of the instance
// clock, once; a wrong code is valid: false.
func TestTOTP(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantError(t, srv.API(t, http.MethodPost, "/auth/factors/enroll", map[string]any{"type": "totp"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/auth/factors/enroll", map[string]any{"type": "webauthn"}), 422, "invalid_request_parameters")
	f := enroll(t, srv, map[string]any{"type": "totp", "totp_issuer": "Acme", "totp_user": "pat@acme.test"})
	secrets := f["totp"].(map[string]any)
	secret := secrets["secret"].(string)
	if f["type"] != "totp" || f["user_id"] != nil || !strings.HasPrefix(secrets["qr_code"].(string), "data:image/png;base64,") ||
		!strings.HasPrefix(secrets["uri"].(string), "otpauth://totp/Acme:pat@acme.test?") {
		t.Fatalf("enrolled %v", f)
	}
	got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/auth/factors/"+f["id"].(string), nil), 200)
	if tp := got["totp"].(map[string]any); tp["secret"] != nil || tp["issuer"] != "Acme" || tp["user"] != "pat@acme.test" {
		t.Fatalf("factor shows its secret: %v", got)
	}
	ch := challenge(t, srv, f["id"].(string))
	if ch["code"] != nil {
		t.Fatalf("TOTP challenge with a code: %v", ch)
	}
	code, err := totp.GenerateCode(secret, srv.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if v := emutest.WantJSON(t, verify(t, srv, ch["id"].(string), wrong), 201); v["valid"] != false {
		t.Fatalf("wrong code: %v", v)
	}
	if v := emutest.WantJSON(t, verify(t, srv, ch["id"].(string), code), 201); v["valid"] != true || v["challenge"].(map[string]any)["id"] != ch["id"] {
		t.Fatalf("right code: %v", v)
	}
	emutest.WantError(t, verify(t, srv, ch["id"].(string), code), 422, "authentication_challenge_previously_verified")
	emutest.WantError(t, verify(t, srv, "auth_challenge_01JGK0000000000000000000ZZ", code), 404, "entity_not_found")
}

// TestSMS: an SMS factor's challenge "sends" its code to the outbox (not
// the answer); the code works once, within 10 minutes, after at most five
// wrong tries.
func TestSMS(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantError(t, srv.API(t, http.MethodPost, "/auth/factors/enroll", map[string]any{"type": "sms", "phone_number": "555-0123"}), 422, "invalid_request_parameters")
	f := enroll(t, srv, map[string]any{"type": "sms", "phone_number": "+15555550123"})
	if f["sms"].(map[string]any)["phone_number"] != "+15555550123" {
		t.Fatalf("sms factor %v", f)
	}
	sent := func() string {
		codes := srv.Codes("", emulator.KindSMS)
		if len(codes) == 0 || codes[0].Phone != "+15555550123" || len(codes[0].Code) != 6 {
			t.Fatalf("outbox %+v", codes)
		}
		return codes[0].Code
	}
	ch := challenge(t, srv, f["id"].(string))
	if ch["code"] != nil {
		t.Fatalf("SMS challenge shows its code: %v", ch)
	}
	emutest.WantJSON(t, verify(t, srv, ch["id"].(string), sent()), 201)
	// five wrong tries use a challenge up
	ch = challenge(t, srv, f["id"].(string))
	code := sent()
	for i := 0; i < 5; i++ {
		if v := emutest.WantJSON(t, verify(t, srv, ch["id"].(string), "x"+code[1:]), 201); v["valid"] != false {
			t.Fatal("wrong code valid")
		}
	}
	emutest.WantError(t, verify(t, srv, ch["id"].(string), code), 400, "one_time_code_too_many_attempts")
	// and ten minutes expire it
	ch = challenge(t, srv, f["id"].(string))
	srv.Clock().Advance(10*time.Minute + time.Second)
	emutest.WantError(t, verify(t, srv, ch["id"].(string), sent()), 422, "authentication_challenge_expired")
}

// TestGenericOTP: a generic OTP challenge carries its code (the caller
// delivers it).
func TestGenericOTP(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	f := enroll(t, srv, map[string]any{"type": "generic_otp"})
	ch := challenge(t, srv, f["id"].(string))
	code, _ := ch["code"].(string)
	if len(code) != 6 {
		t.Fatalf("challenge %v", ch)
	}
	if v := emutest.WantJSON(t, verify(t, srv, ch["id"].(string), code), 201); v["valid"] != true {
		t.Fatalf("verify %v", v)
	}
}

// TestSharedWithUserManagement: a TOTP factor enrolled with a user_id is
// the user's factor at sign-in (mfa_challenge) and in User Management's
// list; deleting it over the MFA API ends that.
func TestSharedWithUserManagement(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantError(t, srv.API(t, http.MethodPost, "/auth/factors/enroll", map[string]any{"type": "totp", "totp_issuer": "A", "totp_user": "b",
		"user_id": "user_01JGK0000000000000000000ZZ"}), 422, "invalid_request_parameters")
	f := enroll(t, srv, map[string]any{"type": "totp", "totp_issuer": "Acme", "totp_user": "bob@example.com", "user_id": emutest.BobID})
	if f["user_id"] != emutest.BobID {
		t.Fatalf("factor %v", f)
	}
	list := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/users/"+emutest.BobID+"/auth_factors", nil), 200)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != f["id"] {
		t.Fatalf("user's factors %v", list)
	}
	password := map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder"}
	emutest.WantError(t, srv.Authenticate(t, password), 403, "mfa_challenge")
	if r := srv.API(t, http.MethodDelete, "/auth/factors/"+f["id"].(string), nil); r.Status != 204 {
		t.Fatalf("delete %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodGet, "/auth/factors/"+f["id"].(string), nil), 404, "entity_not_found")
	emutest.WantError(t, srv.API(t, http.MethodDelete, "/auth/factors/"+f["id"].(string), nil), 404, "entity_not_found")
	emutest.WantError(t, srv.Authenticate(t, password), 403, "organization_selection_required") // Bob's next step, MFA gone
}
