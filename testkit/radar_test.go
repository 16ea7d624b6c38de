package testkit_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// signIn posts alice's password sign-in to the emulator over HTTP and
// returns the status and the decoded body.
func signIn(t *testing.T, em *testkit.Emulator) (int, map[string]any) {
	t.Helper()
	body := `{"grant_type":"password","client_id":"` + em.ClientID() + `","client_secret":"` + em.APIKey() +
		`","email":"alice@example.com","password":"wonderland","ip_address":"203.0.113.8"}`
	res, err := em.HTTPClient().Post(em.URL()+"/user_management/authenticate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, m
}

// TestRadarHelpers: RadarChallengeNext and RadarBlockNext make the next
// sign-ins answer a Radar challenge or block, for as many attempts as
// asked; RadarAttempts shows each attempt's verdict; ClearRadar ends an
// unlimited switch.
func TestRadarHelpers(t *testing.T) {
	t.Parallel()
	em := testkit.Start(t, testkit.WithClock(t0))
	em.RadarChallengeNext(t, 1)
	if status, body := signIn(t, em); status != http.StatusForbidden || body["code"] != "radar_email_challenge" || body["radar_challenge_id"] == nil {
		t.Fatalf("challenge: %d %v", status, body)
	}
	if code := em.LatestCode(t, "alice@example.com", "radar_challenge"); len(code.Code) != 6 {
		t.Fatalf("outbox: %+v", code)
	}
	if status, _ := signIn(t, em); status != http.StatusOK {
		t.Fatalf("second sign-in: %d", status)
	}
	em.RadarBlockNext(t, 0)
	for i := 0; i < 2; i++ {
		if status, body := signIn(t, em); status != http.StatusBadRequest || body["error"] != "access_denied" {
			t.Fatalf("block: %d %v", status, body)
		}
	}
	em.ClearRadar()
	if status, _ := signIn(t, em); status != http.StatusOK {
		t.Fatalf("after clearing: %d", status)
	}
	var verdicts []string
	for _, a := range em.RadarAttempts("alice@example.com") {
		verdicts = append(verdicts, a.Verdict)
	}
	if got := strings.Join(verdicts, " "); got != "allow block block allow challenge" {
		t.Fatalf("verdicts, newest first: %s", got)
	}
}
