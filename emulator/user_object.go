package emulator

// User is the WorkOS user object (the OpenAPI spec's UserlandUser), in the
// spec's member order. The API returns it and the testkit hands it out.
type User struct {
	Object            string            `json:"object"`
	ID                string            `json:"id"`
	FirstName         *string           `json:"first_name"`
	LastName          *string           `json:"last_name"`
	Name              *string           `json:"name"`
	ProfilePictureURL *string           `json:"profile_picture_url"`
	Email             string            `json:"email"`
	EmailVerified     bool              `json:"email_verified"`
	ExternalID        *string           `json:"external_id"`
	Metadata          map[string]string `json:"metadata"`
	LastSignInAt      *string           `json:"last_sign_in_at"`
	Locale            *string           `json:"locale"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at"`
}

// object renders a user. Caller holds w.mu (read).
func (u *user) object() User {
	return User{Object: "user", ID: u.ID, FirstName: optional(u.FirstName), LastName: optional(u.LastName),
		Name: optional(fullName(u)), ProfilePictureURL: optional(u.ProfilePictureURL), Email: u.Email,
		EmailVerified: u.EmailVerified, ExternalID: u.ExternalID, Metadata: copyMetadata(u.Metadata),
		LastSignInAt: timePtr(u.LastSignInAt), Locale: optional(u.Locale),
		CreatedAt: isoTime(u.CreatedAt), UpdatedAt: isoTime(u.UpdatedAt)}
}

// User returns a user by id (a 404 *Error when there is none).
func (s *Server) User(id string) (User, error) {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	u := w.users[id]
	if u == nil {
		return User{}, notFound("User", id)
	}
	return u.object(), nil
}
