package radar_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// password is an API sign-in of alice (one organization) from ip.
func password(ip string) map[string]any {
	return map[string]any{"grant_type": "password", "email": "alice@example.com", "password": "wonderland",
		"ip_address": ip, "user_agent": "RadarTest/1.0"}
}

// radarState reads GET /_emulator/radar.
func radarState(t *testing.T, srv *emutest.Server, query string) map[string]any {
	t.Helper()
	return emutest.WantJSON(t, srv.Do(t, http.MethodGet, "/_emulator/radar"+query, nil), 200)
}

// eventTypes lists the types of the events logged so far, oldest first.
func eventTypes(t *testing.T, srv *emutest.Server) []string {
	t.Helper()
	var out []string
	for _, e := range emutest.WantJSON(t, srv.API(t, http.MethodGet, "/events?order=asc&limit=100", nil), 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["event"].(string))
	}
	return out
}

// TestSwitchChallengesAuthenticate: the control-plane switch makes the
// next sign-in answer 403 radar_email_challenge (pending token, challenge
// id; the code in the outbox and at GET /user_management/radar_challenges);
// the code completes the sign-in; the count runs out; every attempt is
// recorded with its verdict; the events are radar.challenge_created and
// authentication.radar_risk_detected.
func TestSwitchChallengesAuthenticate(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "challenge", "count": 1}), 200)
	r := srv.Authenticate(t, password("203.0.113.5"))
	emutest.WantError(t, r, 403, "radar_email_challenge")
	body := r.JSON(t)
	chID, pending := body["radar_challenge_id"].(string), body["pending_authentication_token"].(string)
	if !strings.HasPrefix(chID, "radar_challenge_") || pending == "" || body["email"] != "alice@example.com" {
		t.Fatalf("challenge: %v", body)
	}
	codes := srv.Codes("alice@example.com", "radar_challenge")
	if len(codes) != 1 || codes[0].ID != chID {
		t.Fatalf("outbox: %+v", codes)
	}
	ch := emutest.WantJSON(t, srv.API(t, http.MethodGet, "/user_management/radar_challenges/"+chID, nil), 200)
	if ch["object"] != "radar_challenge" || ch["code"] != codes[0].Code || ch["user_id"] != emutest.AliceID || ch["type"] != "email" {
		t.Fatalf("radar challenge: %v", ch)
	}
	grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:radar-email-challenge:code", "radar_challenge_id": chID,
		"pending_authentication_token": pending, "code": "000000"}
	if codes[0].Code == "000000" {
		grant["code"] = "111111"
	}
	emutest.WantError(t, srv.Authenticate(t, grant), 400, "invalid_one_time_code")
	grant["code"] = codes[0].Code
	out := emutest.SignedIn(t, srv.Authenticate(t, grant))
	if out["organization_id"] != emutest.AcmeID {
		t.Fatalf("signed in: %v", out)
	}
	// the switch counted one attempt: the next is allowed
	emutest.SignedIn(t, srv.Authenticate(t, password("203.0.113.5")))

	st := radarState(t, srv, "?email=alice@example.com")
	if st["switch"] != nil {
		t.Fatalf("switch still set: %v", st["switch"])
	}
	atts := st["attempts"].([]any)
	if len(atts) != 2 {
		t.Fatalf("attempts: %v", atts)
	}
	newest, first := atts[0].(map[string]any), atts[1].(map[string]any)
	if first["verdict"] != "challenge" || first["control"] != "unrecognized_device" || first["challenge_status"] != "success" ||
		first["attempt_status"] != "success" || first["ip_address"] != "203.0.113.5" || first["source"] != "authenticate" ||
		newest["verdict"] != "allow" || newest["auth_method"] != "Password" {
		t.Fatalf("attempts: %v", atts)
	}
	ev := strings.Join(eventTypes(t, srv), " ")
	// With the sign-ins' own events: the password checked, the challenge,
	// the session once it is passed, and the second (allowed) sign-in.
	if ev != "authentication.radar_risk_detected authentication.password_succeeded radar.challenge_created session.created "+
		"authentication.password_succeeded session.created" {
		t.Fatalf("events: %s", ev)
	}
}

// TestSwitchBlocks: a block switch refuses the next attempts before the
// password is even checked (400 access_denied), until its count runs out
// or it is cleared; "until cleared" is count 0.
func TestSwitchBlocks(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "block", "count": 2}), 200)
	for i := 0; i < 2; i++ {
		emutest.WantError(t, srv.Authenticate(t, password("192.0.2.1")), 400, "access_denied")
	}
	emutest.SignedIn(t, srv.Authenticate(t, password("192.0.2.1")))

	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "block"}), 200)
	wrongPW := password("192.0.2.1")
	wrongPW["password"] = "nope"
	for i := 0; i < 3; i++ {
		emutest.WantError(t, srv.Authenticate(t, wrongPW), 400, "access_denied") // blocked before the password check
	}
	if sw := radarState(t, srv, "")["switch"].(map[string]any); sw["verdict"] != "block" || sw["count"] != float64(0) {
		t.Fatalf("switch: %v", sw)
	}
	if r := srv.Do(t, http.MethodDelete, "/_emulator/radar", nil); r.Status != 204 {
		t.Fatalf("clear: %d", r.Status)
	}
	emutest.WantError(t, srv.Authenticate(t, wrongPW), 400, "invalid_credentials")
	blocked := radarState(t, srv, "?verdict=block")["attempts"].([]any)
	if len(blocked) != 5 || blocked[0].(map[string]any)["control"] != "bot_detection" {
		t.Fatalf("blocked attempts: %v", blocked)
	}
	emutest.WantError(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "maybe"}), 422, "invalid_request_parameters")
	emutest.WantError(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "block", "challenge": "sms"}), 422, "invalid_request_parameters")
}

// TestListsApplyToSignIns: a block-list entry (an IP range, a domain, an
// e-mail) blocks sign-ins and standalone assessments at once, an
// allow-list entry wins over the block list and the switch, and removing
// an entry takes effect at once.
func TestListsApplyToSignIns(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	list := func(method, typ, action, entry string) emutest.Response {
		return srv.API(t, method, "/radar/lists/"+typ+"/"+action, map[string]any{"entry": entry})
	}
	if r := list(http.MethodPost, "ip_address", "block", "198.51.100.0/24"); r.Status != 204 {
		t.Fatalf("add: %d %s", r.Status, r.Body)
	}
	if r := list(http.MethodPost, "ip_address", "block", "198.51.100.0/24"); r.Status != 200 || r.JSON(t)["message"] != "Entry already present in list" {
		t.Fatalf("add again: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.Authenticate(t, password("198.51.100.77")), 400, "access_denied")
	emutest.SignedIn(t, srv.Authenticate(t, password("203.0.113.1")))
	assess := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/radar/attempts", map[string]any{"ip_address": "198.51.100.3",
		"user_agent": "curl/8", "email": "x@example.com", "auth_method": "Password", "action": "sign-up"}), 200)
	if assess["verdict"] != "block" || assess["control"] != "restriction" || assess["blocklist_type"] != "ip_address" ||
		!strings.HasPrefix(assess["attempt_id"].(string), "radar_att_") {
		t.Fatalf("assessment: %v", assess)
	}

	// the allow list wins over the block list and the switch
	emutest.WantJSON(t, srv.PostJSON(t, "/_emulator/radar", map[string]any{"verdict": "block"}), 200)
	if r := list(http.MethodPost, "email", "allow", "ALICE@example.com"); r.Status != 204 {
		t.Fatalf("allow: %d", r.Status)
	}
	emutest.SignedIn(t, srv.Authenticate(t, password("198.51.100.77")))
	if r := list(http.MethodDelete, "email", "allow", "alice@example.com"); r.Status != 204 {
		t.Fatalf("remove: %d %s", r.Status, r.Body)
	}
	emutest.WantError(t, srv.Authenticate(t, password("203.0.113.1")), 400, "access_denied")
	srv.ClearRadar()

	// domains and e-mails
	list(http.MethodPost, "domain", "block", "example.com")
	emutest.WantError(t, srv.Authenticate(t, password("203.0.113.1")), 400, "access_denied")
	list(http.MethodDelete, "domain", "block", "example.com")
	list(http.MethodDelete, "ip_address", "block", "198.51.100.0/24")
	emutest.SignedIn(t, srv.Authenticate(t, password("198.51.100.77")))

	for _, tc := range []struct{ typ, action, entry string }{
		{"ip_address", "block", "999.1.1.1"}, {"email", "block", "nobody"}, {"country", "block", "France"},
		{"planet", "block", "mars"}, {"ip_address", "deny", "1.2.3.4"}, {"domain", "block", ""},
	} {
		emutest.WantError(t, list(http.MethodPost, tc.typ, tc.action, tc.entry), 400, "invalid_request")
	}
	emutest.WantError(t, list(http.MethodDelete, "user_agent", "block", "never-added"), 404, "entity_not_found")
}

// TestHostedLoginRadar: the hosted page's sign-in is assessed from the
// browser's address: a challenge becomes a code step (the code in the
// outbox), a block an error on the sign-in page; both are recorded.
func TestHostedLoginRadar(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	authorize := "/user_management/authorize?" + url.Values{"client_id": {emutest.EnvClientID}, "redirect_uri": {emutest.AppCallback},
		"response_type": {"code"}, "provider": {"authkit"}, "state": {"st"}}.Encode()

	srv.SetRadar(emulator.RadarSwitch{Verdict: "challenge", Count: 1})
	b := emutest.NewBrowser(t, srv, "http://localhost:3000")
	b.Visit(authorize)
	if cb := b.Submit("action", "password", "email", "alice@example.com", "password", "wonderland"); cb != "" {
		t.Fatalf("signed in without the challenge: %s", cb)
	}
	b.ExpectPage("Radar flagged this sign-in")
	code := srv.Codes("alice@example.com", "radar_challenge")[0].Code
	cb := b.Submit("action", "radar", "code", code)
	if q := emutest.CallbackParams(t, cb); q.Get("code") == "" || q.Get("state") != "st" {
		t.Fatalf("callback: %s", cb)
	}

	srv.SetRadar(emulator.RadarSwitch{Verdict: "block", Count: 1})
	b = emutest.NewBrowser(t, srv, "http://localhost:3000")
	b.Visit(authorize)
	if cb := b.Submit("action", "password", "email", "alice@example.com", "password", "wonderland"); cb != "" {
		t.Fatalf("blocked sign-in went through: %s", cb)
	}
	b.ExpectPage("Radar blocked this sign-in attempt.")
	atts := srv.RadarAttempts("alice@example.com", "")
	if len(atts) != 2 || atts[0].Verdict != "block" || atts[1].Verdict != "challenge" || atts[1].Source != "hosted" ||
		atts[1].ChallengeStatus != "success" {
		t.Fatalf("attempts: %+v", atts)
	}
}

// TestSMSChallenge: an SMS challenge answers radar_sms_challenge; the
// application texts a code with POST /user_management/radar_challenges
// (the outbox holds it with the phone number) and completes the sign-in
// with the radar-sms-challenge grant, by verification id or by the user's
// newest code.
func TestSMSChallenge(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	srv.SetRadar(emulator.RadarSwitch{Verdict: "challenge", Challenge: "sms"})
	for _, byID := range []bool{true, false} {
		r := srv.Authenticate(t, password("203.0.113.5"))
		emutest.WantError(t, r, 403, "radar_sms_challenge")
		pending := r.JSON(t)["pending_authentication_token"].(string)
		grant := map[string]any{"grant_type": "urn:workos:oauth:grant-type:radar-sms-challenge:code", "pending_authentication_token": pending, "code": "123456"}
		emutest.WantError(t, srv.Authenticate(t, grant), 400, "verification_id_required")
		sent := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/user_management/radar_challenges", map[string]any{
			"user_id": emutest.AliceID, "pending_authentication_token": pending, "phone_number": "+1 555 555 0123"}), 201)
		vid := sent["verification_id"].(string)
		c := srv.Codes("alice@example.com", "radar_sms")[0]
		if c.ID != vid || c.Phone != "+1 555 555 0123" {
			t.Fatalf("outbox: %+v", c)
		}
		grant["code"] = c.Code
		if byID {
			grant["verification_id"] = vid
			emutest.WantError(t, srv.Authenticate(t, grant), 400, "phone_number_required")
			grant["phone_number"] = "+1 555 555 0123"
		}
		emutest.SignedIn(t, srv.Authenticate(t, grant))
	}
	emutest.WantError(t, srv.API(t, http.MethodPost, "/user_management/radar_challenges", map[string]any{"user_id": emutest.AliceID}), 422, "invalid_request_parameters")
}

// TestAttemptUpdate: PUT /radar/attempts/{id} records the reported
// outcome.
func TestAttemptUpdate(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	a := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/radar/attempts", map[string]any{"ip_address": "203.0.113.2",
		"user_agent": "ua", "email": "bob@example.com", "auth_method": "Email_OTP", "action": "sign-in"}), 200)
	if a["verdict"] != "allow" || a["control"] != nil {
		t.Fatalf("assessment: %v", a)
	}
	id := a["attempt_id"].(string)
	if r := srv.API(t, http.MethodPut, "/radar/attempts/"+id, map[string]any{"challenge_status": "success", "attempt_status": "success"}); r.Status != 204 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if got := srv.RadarAttempts("bob@example.com", "")[0]; got.AttemptStatus != "success" || got.ChallengeStatus != "success" || got.UserID != emutest.BobID {
		t.Fatalf("recorded: %+v", got)
	}
	emutest.WantError(t, srv.API(t, http.MethodPut, "/radar/attempts/"+id, map[string]any{"attempt_status": "failed"}), 400, "invalid_request")
	emutest.WantError(t, srv.API(t, http.MethodPost, "/radar/attempts", map[string]any{"ip_address": "1.1.1.1", "user_agent": "ua",
		"email": "bob@example.com", "auth_method": "Carrier pigeon", "action": "sign-in"}), 400, "invalid_request")
}
