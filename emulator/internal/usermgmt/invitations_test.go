package usermgmt_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestInvitations: an invitation is sent to the outbox and found by token;
// duplicates and members are refused; signing up with it joins the
// organization with its role and accepts it; revoke, resend and accept
// over the API; expiry by the instance clock; list filters.
func TestInvitations(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	inv := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": emutest.AcmeID, "role_slug": "admin"}), 201)
	if inv["state"] != "pending" || inv["expires_at"] != "2026-01-22T12:00:00.000Z" {
		t.Fatalf("%v", inv)
	}
	sent := srv.Codes("erin@example.com", emulator.KindInvitation)
	if len(sent) != 1 || sent[0].Token != inv["token"] || !strings.Contains(sent[0].Link, inv["token"].(string)) {
		t.Fatalf("outbox %+v", sent)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "erin@example.com", "organization_id": emutest.AcmeID}), 400, "email_already_invited_to_organization")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "alice@example.com", "organization_id": emutest.AcmeID}), 400, "user_already_organization_member")
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/invitations/by_token/"+inv["token"].(string), nil), 200); got["id"] != inv["id"] {
		t.Fatal("by token")
	}
	// Erin signs up through magic auth with the invitation: she joins Acme as admin
	code := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/magic_auth", map[string]any{"email": "erin@example.com"}), 201)["code"]
	out := emutest.SignedIn(t, srv.Authenticate(t, map[string]any{"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "erin@example.com",
		"code": code, "invitation_token": inv["token"]}))
	if out["organization_id"] != emutest.AcmeID || emutest.Claims(t, out["access_token"].(string))["role"] != "admin" {
		t.Fatalf("%v", out)
	}
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/invitations/"+inv["id"].(string), nil), 200); got["state"] != "accepted" || got["accepted_user_id"] == nil {
		t.Fatalf("%v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/invitations/"+inv["id"].(string)+"/revoke", nil), 400, "invite_not_pending")
	// revoke, resend, accept over the API
	other := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "finn@example.com", "organization_id": emutest.GlobexID}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations/"+other["id"].(string)+"/resend", nil), 200)
	if n := len(srv.Codes("finn@example.com", emulator.KindInvitation)); n != 2 {
		t.Fatalf("resend: %d e-mails", n)
	}
	acc := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations/"+other["id"].(string)+"/accept", nil), 200)
	finn := acc["accepted_user_id"].(string)
	if ms := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/organization_memberships?user_id="+finn, nil), 200)["data"].([]any); len(ms) != 1 || ms[0].(map[string]any)["role"].(map[string]any)["slug"] != "member" {
		t.Fatalf("accepted membership: %v", ms)
	}
	third := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "gus@example.com", "expires_in_days": 1}), 201)
	emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations/"+third["id"].(string)+"/revoke", nil), 200)
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/invitations/"+third["id"].(string)+"/resend", nil), 400, "invite_revoked")
	expiring := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/invitations", map[string]any{"email": "hal@example.com", "expires_in_days": 1}), 201)
	srv.Clock().Advance(25 * 3600e9)
	if got := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/invitations/"+expiring["id"].(string), nil), 200); got["state"] != "expired" {
		t.Fatalf("expiry: %v", got)
	}
	if l := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/invitations?organization_id="+emutest.AcmeID, nil), 200)["data"].([]any); len(l) != 1 {
		t.Fatalf("filter: %v", l)
	}
}
