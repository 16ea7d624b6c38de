package emulator_test

import (
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// contractRadar drives Radar: the standalone API, the lists, and the
// challenges of a sign-in the control-plane switch interrupts.
func contractRadar(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	c := run.client(srv.Handler())
	const GET, POST, PUT, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	attempt := map[string]any{"ip_address": "198.51.100.7", "user_agent": "Mozilla/5.0", "email": "bob@example.com",
		"auth_method": "Password", "action": "sign-in"}

	c.step = "radar 1 attempts"
	at := c.json(200, POST, "/radar/attempts", attempt)
	c.errCode(400, "invalid_request", POST, "/radar/attempts", map[string]any{"email": "bob@example.com"},
		invalidBecause("ip_address, user_agent, auth_method and action are required"))
	c.call(204, PUT, "/radar/attempts/"+at["attempt_id"].(string), map[string]any{"attempt_status": "success"})
	c.errCode(404, "entity_not_found", PUT, "/radar/attempts/radar_att_"+ctMissing, map[string]any{"attempt_status": "success"})
	c.errCode(400, "invalid_request", PUT, "/radar/attempts/"+at["attempt_id"].(string), map[string]any{})

	c.step = "radar 2 lists"
	c.call(204, POST, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"})
	c.json(200, POST, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"})
	c.errCode(400, "invalid_request", POST, "/radar/lists/ip_address/block", map[string]any{"entry": "not an ip"})
	c.errCode(400, "invalid_request", POST, "/radar/lists/planet/block", map[string]any{"entry": "mars"},
		invalidBecause("planet is not a list type"))
	if v := c.json(200, POST, "/radar/attempts", attempt); v["verdict"] != "block" || v["blocklist_type"] != "ip_address" {
		t.Fatalf("a blocked IP's attempt: %v", v)
	}
	c.call(204, DELETE, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"})
	c.errCode(404, "entity_not_found", DELETE, "/radar/lists/ip_address/block", map[string]any{"entry": "198.51.100.0/24"})

	c.step = "radar 3 an e-mail challenge at authenticate"
	if _, err := srv.SetRadar(emulator.RadarSwitch{Verdict: "challenge", Count: 1}); err != nil {
		t.Fatal(err)
	}
	signIn := map[string]any{"grant_type": "password", "client_id": emutest.EnvClientID, "client_secret": emutest.APIKey,
		"email": "alice@example.com", "password": "wonderland", "ip_address": "203.0.113.9", "user_agent": "Mozilla/5.0"}
	ch := c.errCode(403, "radar_email_challenge", POST, "/user_management/authenticate", signIn)
	chID, pending := ch["radar_challenge_id"].(string), ch["pending_authentication_token"].(string)
	rc := c.json(200, GET, "/user_management/radar_challenges/"+chID, nil)
	c.errCode(404, "entity_not_found", GET, "/user_management/radar_challenges/radar_challenge_"+ctMissing, nil)
	emailGrant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:radar-email-challenge:code", "client_id": emutest.EnvClientID,
		"client_secret": emutest.APIKey, "radar_challenge_id": chID, "pending_authentication_token": pending}
	emailGrant["code"] = wrongCode(rc["code"])
	c.errCode(400, "invalid_one_time_code", POST, "/user_management/authenticate", emailGrant)
	emailGrant["code"] = rc["code"]
	c.json(200, POST, "/user_management/authenticate", emailGrant)

	c.step = "radar 4 an SMS challenge at authenticate"
	if _, err := srv.SetRadar(emulator.RadarSwitch{Verdict: "challenge", Challenge: "sms", Count: 1}); err != nil {
		t.Fatal(err)
	}
	sms := c.errCode(403, "radar_sms_challenge", POST, "/user_management/authenticate", signIn)
	pending = sms["pending_authentication_token"].(string)
	sent := c.json(201, POST, "/user_management/radar_challenges", map[string]any{"user_id": emutest.AliceID,
		"pending_authentication_token": pending, "phone_number": "+15555550123"})
	c.errCode(400, "invalid_pending_authentication_token", POST, "/user_management/radar_challenges", map[string]any{"user_id": emutest.BobID,
		"pending_authentication_token": pending, "phone_number": "+15555550123"})
	code := srv.Codes("alice@example.com", "radar_sms")[0].Code
	c.json(200, POST, "/user_management/authenticate", map[string]any{"grant_type": "urn:workos:oauth:grant-type:radar-sms-challenge:code",
		"client_id": emutest.EnvClientID, "client_secret": emutest.APIKey, "code": code, "pending_authentication_token": pending,
		"verification_id": sent["verification_id"], "phone_number": "+15555550123"})

	c.step = "radar 5 a block at authenticate"
	if _, err := srv.SetRadar(emulator.RadarSwitch{Verdict: "block", Count: 1}); err != nil {
		t.Fatal(err)
	}
	c.errCode(400, "access_denied", POST, "/user_management/authenticate", signIn)
	c.json(200, POST, "/user_management/authenticate", signIn)

	c.json(200, GET, "/events?limit=100", nil)
}
