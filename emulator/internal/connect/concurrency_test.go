package connect_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// TestSecretsChangeWhileClientsAuthenticate: clients authenticate at the
// token endpoint (outside the world's lock) while secrets are created and
// deleted and the application renamed; under -race this proves the records
// are replaced, not changed in place. The secret never deleted keeps
// working throughout.
func TestSecretsChangeWhileClientsAuthenticate(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	app := emutest.M2MClientID
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if r := srv.ClientCredentials(t, app, emutest.M2MSecret, nil); r.Status != http.StatusOK {
					errs <- string(r.Body)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 25 {
			s := srv.API(t, http.MethodPost, "/connect/applications/"+app+"/client_secrets", nil).JSON(t)
			srv.API(t, http.MethodPut, "/connect/applications/"+app, map[string]any{"name": "renamed"})
			if r := srv.API(t, http.MethodDelete, "/connect/client_secrets/"+s["id"].(string), nil); r.Status != http.StatusNoContent {
				errs <- string(r.Body)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
