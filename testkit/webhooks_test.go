package testkit_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/testkit"
)

// An application's webhook handler, as a test would hand it to
// ReceiveWebhooks: it verifies the signature and provisions on
// user.created.
type tenantProvisioner struct {
	secret string
	now    func() time.Time
	mu     sync.Mutex
	users  []string
}

func (p *tenantProvisioner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := emulator.VerifyWebhookSignature(r.Header.Get("WorkOS-Signature"), body, p.secret, p.now(), 3*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev struct {
		Event string `json:"event"`
		Data  struct {
			Email string `json:"email"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.users = append(p.users, ev.Data.Email)
	p.mu.Unlock()
}

func TestReceiveWebhooksInProcess(t *testing.T) {
	em := testkit.Start(t, testkit.WithClock(t0))
	app := &tenantProvisioner{now: em.Clock().Now}
	ep := em.ReceiveWebhooks(t, app, "user.created")
	app.secret = ep.Secret

	for _, email := range []string{"one@example.com", "two@example.com"} {
		res, err := em.HTTPClient().Do(apiRequest(t, em, http.MethodPost, "/user_management/users", `{"email":"`+email+`"}`))
		if err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("create user: %v %v", err, res)
		}
		res.Body.Close()
	}
	first := em.WaitForWebhook(t, "user.created")
	second := em.WaitForWebhook(t, "user.created")
	if first.ID == second.ID || first.Status != "delivered" || second.Status != "delivered" {
		t.Fatalf("deliveries: %+v %+v", first, second)
	}
	if len(app.users) != 2 || app.users[0] != "one@example.com" || app.users[1] != "two@example.com" {
		t.Errorf("the handler provisioned %v", app.users)
	}
	evs := em.Events(t, "user.created")
	if len(evs) != 2 || evs[0].ID != first.EventID || evs[1].ID != second.EventID {
		t.Errorf("events %+v vs deliveries %s %s", evs, first.EventID, second.EventID)
	}
}

func apiRequest(t *testing.T, em *testkit.Emulator, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, em.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+em.APIKey())
	req.Header.Set("Content-Type", "application/json")
	return req
}

// A handler that refuses gets the delivery again after the backoff, by the
// instance clock; FlushWebhooks does not wait for it.
func TestWebhookRetryThroughTestkit(t *testing.T) {
	em := testkit.Start(t, testkit.WithClock(t0))
	var calls int
	var mu sync.Mutex
	em.ReceiveWebhooks(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}), "organization.created")
	res, err := em.HTTPClient().Do(apiRequest(t, em, http.MethodPost, "/organizations", `{"name":"Retry"}`))
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("create organization: %v %v", err, res)
	}
	res.Body.Close()
	d := em.WaitForWebhook(t, "organization.created")
	if d.Status != "pending" || d.Attempts[0].StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("first attempt: %+v", d)
	}
	em.FlushWebhooks(t)
	all := em.WebhookDeliveries()
	if len(all) != 1 || all[0].Status != "delivered" || len(all[0].Attempts) != 2 {
		t.Fatalf("after flush: %+v", all)
	}
}
