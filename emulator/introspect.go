package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.introspection(w, token, s.clock.Now()))
}

// inactiveBody is the answer for anything not active.
var inactiveBody = []byte(`{"active":false}`)

// jsonMembers writes "key":value members in order, straight into a buffer:
// introspection is the hottest path, and boxing each value for an object
// would cost an allocation per member.
type jsonMembers struct{ b []byte }

func (m *jsonMembers) str(k, v string) {
	m.key(k)
	m.b = appendString(m.b, v)
}

func (m *jsonMembers) num(k string, v int64) {
	m.key(k)
	m.b = strconv.AppendInt(m.b, v, 10)
}

func (m *jsonMembers) key(k string) {
	m.b = append(m.b, ',')
	m.b = appendString(m.b, k)
	m.b = append(m.b, ':')
}

// introspection answers from state, in O(1): no signature is verified,
// because every token the emulator issued is in its index, and anything else
// (tampered, foreign, unknown) is inactive. The member sets and their order
// are exactly those of WorkOS's document.
func (s *Server) introspection(w *world, token string, now time.Time) []byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	m := jsonMembers{b: append(make([]byte, 0, 384), `{"active":true`...)}
	if rec := w.access[w.keyOf(token)]; rec != nil {
		if !w.accessActive(rec, now) {
			return inactiveBody
		}
		if rec.family == familyM2M {
			m.str("aud", rec.aud)
			m.str("client_id", rec.clientID)
			m.str("iss", rec.iss)
			m.str("sub", rec.sub)
			if rec.orgID != "" {
				m.str("org_id", rec.orgID)
			}
		} else {
			aud := rec.aud
			if aud == "" {
				aud = w.env.clientID
			}
			m.str("client_id", rec.clientID)
			m.str("iss", rec.iss)
			m.str("aud", aud)
			m.str("sub", rec.sub)
			if rec.orgID != "" {
				m.str("org_id", rec.orgID)
			}
			m.str("sid", rec.sessionID)
		}
		m.str("jti", rec.jti)
		m.num("exp", rec.exp)
		m.num("iat", rec.iat)
		m.str("token_type", "access_token")
		return append(m.b, '}')
	}
	if rt := w.refresh[token]; rt != nil {
		ss := w.sessions[rt.sessionID]
		if ss == nil || ss.refreshToken != token || !ss.activeAt(now, w.env) || w.users[ss.UserID] == nil {
			return inactiveBody
		}
		iss := w.env.issuer
		if ss.family == familyUM {
			iss = w.env.umIssuer
		}
		m.str("client_id", ss.ClientID)
		m.str("iss", iss)
		m.str("aud", w.env.clientID)
		m.str("sub", ss.UserID)
		m.num("iat", rt.iat)
		m.str("token_type", "refresh_token")
		return append(m.b, '}')
	}
	return inactiveBody
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
	body := s.introspection(s.world(), token, s.clock.Now())
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return m
}
