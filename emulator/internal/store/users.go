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

// UserObject is the WorkOS user (the spec's UserlandUser) as rendered at
// one moment: a copy, safe to encode after the transaction that made it.
// It writes itself in the spec's member order (it is in every sign-in
// answer, so it costs one allocation, not one per member).
type UserObject struct {
	ID, FirstName, LastName, Name, ProfilePictureURL, Email, Locale string
	EmailVerified                                                   bool
	ExternalID                                                      *string
	Metadata                                                        map[string]string
	LastSignInAt, CreatedAt, UpdatedAt                              time.Time
}

// AppendJSON writes the user object.
func (o *UserObject) AppendJSON(b []byte) ([]byte, error) {
	m := wire.Members{B: append(b, '{')}
	m.Str("object", "user")
	m.Str("id", o.ID)
	m.OptStr("first_name", o.FirstName)
	m.OptStr("last_name", o.LastName)
	m.OptStr("name", o.Name)
	m.OptStr("profile_picture_url", o.ProfilePictureURL)
	m.Str("email", o.Email)
	m.Bool("email_verified", o.EmailVerified)
	m.PtrStr("external_id", o.ExternalID)
	m.StrMap("metadata", o.Metadata)
	m.Time("last_sign_in_at", o.LastSignInAt)
	m.OptStr("locale", o.Locale)
	m.Time("created_at", o.CreatedAt)
	m.Time("updated_at", o.UpdatedAt)
	return append(m.B, '}'), nil
}

// MarshalJSON writes the user object (for encoding/json callers).
func (o *UserObject) MarshalJSON() ([]byte, error) { return o.AppendJSON(make([]byte, 0, 512)) }

// Object renders the WorkOS user (the spec's UserlandUser).
func (u *User) Object() *UserObject {
	o := &UserObject{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Name: u.Name(), ProfilePictureURL: u.ProfilePictureURL,
		Email: u.Email, Locale: u.Locale, EmailVerified: u.EmailVerified, ExternalID: u.ExternalID, Metadata: u.Metadata,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if u.LastSignInAt != nil {
		o.LastSignInAt = *u.LastSignInAt
	}
	return o
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
func (tx *Tx) NewUser(email string) *User { return tx.NewUserWith(email, nil) }

// NewUserWith creates a user known by e-mail, with the fields set (names,
// password) before its user.created event is emitted.
func (tx *Tx) NewUserWith(email string, set func(*User)) *User {
	id := tx.NewID(fixtures.PrefixUser)
	u := &User{ID: id, Email: email, Metadata: map[string]string{}, CreatedAt: tx.now, UpdatedAt: tx.now}
	if set != nil {
		set(u)
	}
	tx.AddUser(u)
	tx.EmitUser("user.created", u)
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
	tx.forgetPipesOfUser(u.ID)
	tx.forgetIdentities(u.ID)
	delete(w.users, u.ID)
	delete(w.byEmail, EmailKey(u.Email))
	if u.ExternalID != nil {
		delete(w.usersByExternal, *u.ExternalID)
	}
	w.userOrder = without1(w.userOrder, u)
	w.forgetSeq(u.ID, tx.now)
	tx.EmitUser("user.deleted", u)
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

// snapshotUsers writes the users in creation order, each with its first
// TOTP factor's secret (their API keys are the API keys area's:
// snapshotAPIKeys).
func snapshotUsers(tx *Tx, set *fixtures.Set) {
	for _, u := range tx.w.userOrder {
		fu := fixtures.User{ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, FirstName: u.FirstName, LastName: u.LastName,
			Password: string(u.Password), PasswordHash: string(u.PasswordHash), ExternalID: u.ExternalID, Metadata: fixtures.Metadata(u.Metadata),
			ProfilePictureURL: u.ProfilePictureURL, Locale: u.Locale, CreatedAt: stamp(u.CreatedAt), UpdatedAt: stamp(u.UpdatedAt),
			LastSignInAt: stampPtr(u.LastSignInAt)}
		if fs := tx.w.userFactors[u.ID]; len(fs) > 0 {
			fu.TOTPSecret = fs[0].Secret
		}
		set.Users = append(set.Users, fu)
	}
}
