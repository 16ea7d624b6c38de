package emulator

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// sessionObject renders the WorkOS session object. Caller holds w.mu.
func (w *world) sessionObject(ss *session, now time.Time) object {
	o := object{{"object", "session"}, {"id", ss.ID}, {"user_id", ss.UserID}}
	if ss.OrgID != "" {
		o = append(o, kv{"organization_id", ss.OrgID})
	}
	return append(o, kv{"status", ss.statusAt(now, w.env)}, kv{"auth_method", ss.AuthMethod},
		kv{"ip_address", optional(ss.IPAddress)}, kv{"user_agent", optional(ss.UserAgent)},
		kv{"expires_at", optionalTime(ss.ExpiresAt)}, kv{"ended_at", timePtr(ss.EndedAt)},
		kv{"created_at", isoTime(ss.CreatedAt)}, kv{"updated_at", isoTime(ss.UpdatedAt)})
}

// listUserSessions serves GET /user_management/users/{id}/sessions: the
// user's User Management sessions, newest first by default.
func (s *Server) listUserSessions(c echo.Context) error {
	pg, err := parsePage(c.QueryParams())
	if err != nil {
		return err
	}
	w := s.world()
	now := s.clock.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	u, err := w.userFor(c)
	if err != nil {
		return err
	}
	var sessions []*session
	for _, ss := range w.userSessions[u.ID] {
		if ss.family == familyUM {
			sessions = append(sessions, ss)
		}
	}
	return writePage(c, w, sessions, pg, func(ss *session) object { return w.sessionObject(ss, now) })
}

// revokeSession serves POST /user_management/sessions/revoke.
func (s *Server) revokeSession(c echo.Context) error {
	p, err := readParams(c, false)
	if err != nil {
		return err
	}
	id := p.get("session_id")
	if id == "" {
		return invalidParams(FieldError{Field: "session_id", Code: "session_id_required"})
	}
	if err := s.RevokeSession(id); err != nil {
		return apiError(http.StatusBadRequest, "session_not_found", "Session not found: '"+printable(id)+"'.")
	}
	return writeJSON(c, http.StatusOK, object{})
}

// logout serves GET /user_management/sessions/logout: the browser redirect
// that ends a session and returns to an allowed return_to (or the first
// logout redirect URI).
func (s *Server) logout(c echo.Context) error {
	w := s.world()
	id, returnTo := c.QueryParam("session_id"), c.QueryParam("return_to")
	if id == "" {
		return apiError(http.StatusUnprocessableEntity, CodeInvalidRequestParameters, "session_id is required.")
	}
	if returnTo != "" && !redirectAllowed(returnTo, w.env.logoutRedirectURIs) {
		return apiError(http.StatusUnprocessableEntity, CodeInvalidRequestParameters, "return_to is not an allowed logout redirect URI (environment.logout_redirect_uris).")
	}
	now := s.clock.Now()
	w.mu.Lock()
	ss := w.sessions[id]
	if ss != nil {
		w.endSession(ss, fixtures.SessionRevoked, now)
	}
	w.mu.Unlock()
	if ss == nil {
		return apiError(http.StatusUnprocessableEntity, CodeInvalidRequestParameters, "Session not found: '"+printable(id)+"'.")
	}
	if returnTo == "" && len(w.env.logoutRedirectURIs) > 0 && !containsWildcard(w.env.logoutRedirectURIs[0]) {
		returnTo = w.env.logoutRedirectURIs[0]
	}
	if returnTo == "" {
		return s.render(c, outcome{page: message("Signed out", "You are signed out.")})
	}
	return c.Redirect(http.StatusFound, returnTo)
}

func containsWildcard(u string) bool { return strings.Contains(u, "*") }
