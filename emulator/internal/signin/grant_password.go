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
	email := r.b.Param("email")
	id, known := checkPassword(r.st, email, r.b.Param("password"))
	if id == "" {
		err := web.APIError(http.StatusBadRequest, web.CodeInvalidCredentials, "Invalid credentials.")
		_ = r.st.Write(func(tx *store.Tx) error {
			authenticated(tx, "password", r.endUser(), known, email, err)
			return nil
		})
		return err
	}
	a := store.Attempt{UserID: id, Method: "Password", Verified: "password"}
	withRadar(&a, radar)
	return r.signIn(a)
}

// checkPassword is the id of the user email names when pw is their
// password, else ""; known is the user email names, if any.
func checkPassword(st *store.Store, email, pw string) (id, known string) {
	var cr store.Credentials
	_ = st.Read(func(tx *store.Tx) error { cr = tx.CredentialsOf(email); return nil })
	if cr.UserID != "" && cr.Check(pw) {
		return cr.UserID, cr.UserID
	}
	return "", cr.UserID
}
