package usermgmt_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestEmailVerificationAndPasswordReset: an e-mail verification code is
// sent to the outbox, readable by id, and confirms the e-mail once; a
// password reset link lands in the outbox, sets a new password (the old one
// stops working) and is single use.
func TestEmailVerificationAndPasswordReset(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	r := srv.API(t, http.MethodPost, "/user_management/users/"+emutest.CarolID+"/email_verification/send", nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	code := srv.Codes("carol@example.com", emulator.KindEmailVerification)[0]
	if got := srv.API(t, http.MethodGet, "/user_management/email_verification/"+code.ID, nil).JSON(t); got["code"] != code.Code {
		t.Fatalf("%v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/users/"+emutest.CarolID+"/email_verification/confirm", map[string]any{"code": "x"}), 400, "email_verification_code_incorrect")
	r = srv.API(t, http.MethodPost, "/user_management/users/"+emutest.CarolID+"/email_verification/confirm", map[string]any{"code": code.Code})
	if r.Status != 200 || r.JSON(t)["user"].(map[string]any)["email_verified"] != true {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/users/"+emutest.CarolID+"/email_verification/send", nil), 400, "email_already_verified")

	r = srv.API(t, http.MethodPost, "/user_management/password_reset", map[string]any{"email": "bob@example.com"})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	pr := r.JSON(t)
	if !strings.Contains(pr["password_reset_url"].(string), pr["password_reset_token"].(string)) {
		t.Fatalf("%v", pr)
	}
	if srv.Codes("bob@example.com", emulator.KindPasswordReset)[0].Token != pr["password_reset_token"] {
		t.Fatal("reset link not in the outbox")
	}
	r = srv.API(t, http.MethodPost, "/user_management/password_reset/confirm", map[string]any{"token": pr["password_reset_token"], "new_password": "newpass"})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "builder"}), 400, "invalid_credentials")
	emutest.WantError(t, srv.Authenticate(t, map[string]any{"grant_type": "password", "email": "bob@example.com", "password": "newpass"}), 403, "organization_selection_required")
	r = srv.API(t, http.MethodPost, "/user_management/password_reset/confirm", map[string]any{"token": pr["password_reset_token"], "new_password": "x"})
	emutest.WantError(t, r, 400, "password_reset_error")
	if errs := r.JSON(t)["errors"].([]any); errs[0].(map[string]any)["code"] != "password_reset_token_previously_used" {
		t.Fatalf("%s", r.Body)
	}
}
