package signin

import (
	"net/http"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// passwordGrant signs a user in with e-mail and password. The password is
// compared outside any transaction (bcrypt is slow).
func passwordGrant(r tokenRequest) error {
	if err := r.b.Required("email", "password"); err != nil {
		return err
	}
	radar, err := r.radarGate(r.b.Param("email"), "Password")
	if err != nil {
		return err
	}
	id := checkPassword(r.st, r.b.Param("email"), r.b.Param("password"))
	if id == "" {
		return web.APIError(http.StatusBadRequest, web.CodeInvalidCredentials, "Invalid credentials.")
	}
	a := store.Attempt{UserID: id, Method: "Password"}
	withRadar(&a, radar)
	return r.signIn(a)
}

// checkPassword is the id of the user email names when pw is their
// password, else "".
func checkPassword(st *store.Store, email, pw string) string {
	var cr store.Credentials
	_ = st.Read(func(tx *store.Tx) error { cr = tx.CredentialsOf(email); return nil })
	if cr.UserID != "" && cr.Check(pw) {
		return cr.UserID
	}
	return ""
}
