package emulator

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// RevokeSession ends a session: its access tokens introspect inactive and
// its refresh token gets invalid_grant from the moment this returns.
// Revoking an ended session is a no-op; an unknown id is a 404 *Error.
func (s *Server) RevokeSession(id string) error {
	w := s.world()
	now := s.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	ss := w.sessions[id]
	if ss == nil {
		return notFound("Session", id)
	}
	w.endSession(ss, fixtures.SessionRevoked, now)
	return nil
}

// endSession marks a live session ended. Caller holds w.mu.
func (w *world) endSession(ss *session, status string, now time.Time) {
	if ss.Status != fixtures.SessionActive {
		return
	}
	ss.Status = status
	ss.EndedAt = &now
	ss.UpdatedAt = now
	w.expireAt(now, evictSession, ss.ID)
}
