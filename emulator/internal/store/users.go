package store

import (
	"crypto/subtle"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// User is a person who can sign in. Email and ExternalID are index keys:
// change them with SetUserKeys.
type User struct {
	Seq               uint64
	ID                string
	Email             string
	EmailVerified     bool
	FirstName         string
	LastName          string
	ProfilePictureURL string
	Locale            string
	ExternalID        *string
	Metadata          map[string]string
	// Password is as written in the fixture or the API: compared in
	// constant time. PasswordHash is bcrypt. At most one is set.
	Password     []byte
	PasswordHash []byte
	LastSignInAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ListKey orders users by creation.
func (u *User) ListKey() (uint64, string) { return u.Seq, u.ID }

// Name is the user's full name as WorkOS derives it ("" when neither part
// is set).
func (u *User) Name() string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "":
		return u.FirstName
	}
	return u.LastName
}

// Object renders the WorkOS user (the spec's UserlandUser), in the spec's
// member order.
func (u *User) Object() wire.Object {
	return wire.Object{{"object", "user"}, {"id", u.ID}, {"first_name", wire.Opt(u.FirstName)},
		{"last_name", wire.Opt(u.LastName)}, {"name", wire.Opt(u.Name())},
		{"profile_picture_url", wire.Opt(u.ProfilePictureURL)}, {"email", u.Email},
		{"email_verified", u.EmailVerified}, {"external_id", u.ExternalID}, {"metadata", wire.CopyMap(u.Metadata)},
		{"last_sign_in_at", wire.TimePtr(u.LastSignInAt)}, {"locale", wire.Opt(u.Locale)},
		{"created_at", wire.Time(u.CreatedAt)}, {"updated_at", wire.Time(u.UpdatedAt)}}
}

// User is the user with that id, or nil.
func (tx *Tx) User(id string) *User { return tx.w.users[id] }

// UserByEmail is the user with that e-mail (case-insensitive), or nil.
func (tx *Tx) UserByEmail(email string) *User { return tx.w.byEmail[EmailKey(email)] }

// UserByExternalID is the user with that external id, or nil.
func (tx *Tx) UserByExternalID(ext string) *User { return tx.w.usersByExternal[ext] }

// Users lists every user in creation order. The slice is the index: do not
// change it.
func (tx *Tx) Users() []*User { return tx.w.userOrder }

// NewUser creates a user known only by e-mail (sign-up, magic auth and
// invitations create users this way).
func (tx *Tx) NewUser(email string) *User {
	id := tx.NewID(fixtures.PrefixUser)
	u := &User{ID: id, Email: email, Metadata: map[string]string{}, CreatedAt: tx.now, UpdatedAt: tx.now}
	tx.AddUser(u)
	return u
}

// AddUser indexes a new user, numbering it in creation order.
func (tx *Tx) AddUser(u *User) {
	w := tx.w
	u.Seq = w.nextSeq(u.ID)
	w.users[u.ID] = u
	w.byEmail[EmailKey(u.Email)] = u
	if u.ExternalID != nil {
		w.usersByExternal[*u.ExternalID] = u
	}
	w.userOrder = append(w.userOrder, u)
}

// SetUserKeys changes a user's e-mail and external id, re-indexing them.
func (tx *Tx) SetUserKeys(u *User, email string, ext *string) {
	w := tx.w
	delete(w.byEmail, EmailKey(u.Email))
	if u.ExternalID != nil {
		delete(w.usersByExternal, *u.ExternalID)
	}
	u.Email, u.ExternalID = email, ext
	w.byEmail[EmailKey(u.Email)] = u
	if u.ExternalID != nil {
		w.usersByExternal[*u.ExternalID] = u
	}
}

// DeleteUser removes a user and everything hanging off it: its sessions
// end (their tokens introspect inactive, their refresh tokens get
// invalid_grant), its memberships and MFA factors go.
func (tx *Tx) DeleteUser(u *User) {
	w := tx.w
	for _, ss := range w.userSessions[u.ID] {
		tx.EndSession(ss, fixtures.SessionRevoked)
	}
	for _, m := range append([]*Membership(nil), w.userMemberships[u.ID]...) {
		tx.DeleteMembership(m)
	}
	for _, f := range w.userFactors[u.ID] {
		delete(w.factors, f.ID)
	}
	delete(w.userFactors, u.ID)
	delete(w.users, u.ID)
	delete(w.byEmail, EmailKey(u.Email))
	if u.ExternalID != nil {
		delete(w.usersByExternal, *u.ExternalID)
	}
	w.userOrder = without1(w.userOrder, u)
}

// Credentials are what a password check compares: copies taken under the
// lock, so the (slow) comparison can run outside it. Passwords are
// replaced, never changed in place, so the copies stay valid.
type Credentials struct {
	UserID   string
	password []byte
	hash     []byte
}

// CredentialsOf returns the password credentials of the user an e-mail
// names (an empty UserID when there is none).
func (tx *Tx) CredentialsOf(email string) Credentials {
	u := tx.UserByEmail(email)
	if u == nil {
		return Credentials{}
	}
	return Credentials{UserID: u.ID, password: u.Password, hash: u.PasswordHash}
}

// dummyHash is a bcrypt hash (cost 10) of a password nobody has: an
// e-mail with no user is checked against it, so a password check takes as
// long whether or not the e-mail exists.
const dummyHash = "$2a$10$iZyCAWMow75LSXrcu/uvKeaJ6iIhmgHkHLNOalqnJhnG1kSHeREcC"

// Check reports whether pw is the password. Call it outside any
// transaction: a bcrypt comparison takes tens of milliseconds, and holding
// even the read lock that long would stall every write queued behind it.
func (c Credentials) Check(pw string) bool {
	switch {
	case c.password != nil:
		return subtle.ConstantTimeCompare(c.password, []byte(pw)) == 1
	case c.hash != nil:
		return bcrypt.CompareHashAndPassword(c.hash, []byte(pw)) == nil
	}
	_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(pw))
	return false
}
