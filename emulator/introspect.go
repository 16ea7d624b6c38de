package emulator

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// introspect serves POST /oauth2/introspection (RFC 7662, in the WorkOS
// shapes of the reference document). An inactive token is data, not an
// error: the answer is 200 {"active":false}.
func (s *Server) introspect(c echo.Context) error {
	p, err := readForm(c, true)
	if err != nil {
		return err
	}
	w := s.world()
	if _, err := w.authenticateClient(c, p, false); err != nil {
		return err
	}
	token := p.get("token")
	if token == "" {
		return oauthError(http.StatusBadRequest, CodeInvalidRequest, "The token parameter is required.")
	}
	// token_type_hint is only a hint (RFC 7662 §2.1): both indexes are
	// searched whatever it says.
	return writeJSON(c, http.StatusOK, s.introspection(w, token, s.clock.Now()))
}

var inactive = object{{"active", false}}

// introspection answers from state, in O(1): no signature is verified,
// because every token the emulator issued is in its index, and anything else
// (tampered, foreign, unknown) is inactive.
func (s *Server) introspection(w *world, token string, now time.Time) object {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if rec := w.access[keyOf(token)]; rec != nil {
		if !w.accessActive(rec, now) {
			return inactive
		}
		if rec.family == familyM2M {
			out := object{{"active", true}, {"aud", rec.aud}, {"client_id", rec.clientID}, {"iss", rec.iss}, {"sub", rec.sub}}
			if rec.orgID != "" {
				out = append(out, kv{"org_id", rec.orgID})
			}
			return append(out, kv{"jti", rec.jti}, kv{"exp", rec.exp}, kv{"iat", rec.iat}, kv{"token_type", "access_token"})
		}
		aud := rec.aud
		if aud == "" {
			aud = w.env.clientID
		}
		out := object{{"active", true}, {"client_id", rec.clientID}, {"iss", rec.iss}, {"aud", aud}, {"sub", rec.sub}}
		if rec.orgID != "" {
			out = append(out, kv{"org_id", rec.orgID})
		}
		return append(out, kv{"sid", rec.sessionID}, kv{"jti", rec.jti}, kv{"exp", rec.exp}, kv{"iat", rec.iat}, kv{"token_type", "access_token"})
	}
	if rt := w.refresh[token]; rt != nil {
		ss := w.sessions[rt.sessionID]
		if ss == nil || ss.refreshToken != token || !ss.activeAt(now, w.env) || w.users[ss.UserID] == nil {
			return inactive
		}
		iss := w.env.issuer
		if ss.family == familyUM {
			iss = w.env.umIssuer
		}
		return object{{"active", true}, {"client_id", ss.ClientID}, {"iss", iss}, {"aud", w.env.clientID},
			{"sub", ss.UserID}, {"iat", rt.iat}, {"token_type", "refresh_token"}}
	}
	return inactive
}

// accessActive reports whether an issued access token is still good at now:
// unexpired by the instance clock, signed by a key still published, its
// session live, and its user, application and organization still there.
// Caller holds w.mu.
func (w *world) accessActive(rec *accessToken, now time.Time) bool {
	if now.Unix() >= rec.exp || !w.keys.isPublished(rec.kid) {
		return false
	}
	if rec.orgID != "" && w.orgs[rec.orgID] == nil {
		return false // the organization was deleted
	}
	if rec.family == familyM2M {
		return w.apps[rec.clientID] != nil
	}
	if w.users[rec.sub] == nil {
		return false
	}
	if rec.sessionID != "" {
		ss := w.sessions[rec.sessionID]
		if ss == nil || !ss.activeAt(now, w.env) {
			return false
		}
	}
	return true
}

// Introspect answers as POST /oauth2/introspection does (without client
// authentication), decoded as a JSON client would see it.
func (s *Server) Introspect(token string) map[string]any {
	body, _ := s.introspection(s.world(), token, s.clock.Now()).MarshalJSON()
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return m
}
