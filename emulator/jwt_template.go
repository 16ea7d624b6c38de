package emulator

// templateClaims are the custom claims the environment's JWT template adds
// to User Management access tokens. Caller holds w.mu.
func (w *world) templateClaims(userID, orgID string) map[string]any {
	if w.jwtTemplate == nil {
		return nil
	}
	return w.jwtTemplate.render(w, userID, orgID)
}

// jwtTemplate is the environment's JWT template.
type jwtTemplate struct{}

func (t *jwtTemplate) render(w *world, userID, orgID string) map[string]any { return nil }
