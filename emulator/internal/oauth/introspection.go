package oauth

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/tokens"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// introspect serves POST /oauth2/introspection (RFC 7662, in the WorkOS
// shapes of the reference document). An inactive token is data, not an
// error: the answer is 200 {"active":false}.
func (a *api) introspect(c echo.Context) error {
	b, err := web.Decode(c, web.OAuthForm)
	if err != nil {
		return err
	}
	st := a.env(c)
	if _, err := signin.AuthenticateClient(c, st, &b, false); err != nil {
		return err
	}
	token := b.Param("token")
	if token == "" {
		return web.OAuthError(http.StatusBadRequest, web.CodeInvalidRequest, "The token parameter is required.")
	}
	// token_type_hint is only a hint (RFC 7662 §2.1): both indexes are
	// searched whatever it says.
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, Introspection(st, token))
}

// inactiveBody is the answer for anything not active.
var inactiveBody = []byte(`{"active":false}`)

// members writes "key":value members in order, straight into a buffer:
// introspection is the hottest path, and boxing each value for an object
// would cost an allocation per member.
type members struct{ b []byte }

func (m *members) str(k, v string) {
	m.key(k)
	m.b = wire.AppendString(m.b, v)
}

func (m *members) num(k string, v int64) {
	m.key(k)
	m.b = strconv.AppendInt(m.b, v, 10)
}

func (m *members) key(k string) {
	m.b = append(m.b, ',')
	m.b = wire.AppendString(m.b, k)
	m.b = append(m.b, ':')
}

// Introspection answers from state, in O(1): no signature is verified,
// because every token the environment issued is in its index, and anything
// else (tampered, foreign, unknown) is inactive. The member sets and their
// order are exactly those of WorkOS's document.
func Introspection(st *store.Store, token string) []byte {
	out := inactiveBody
	var retry bool
	_ = st.Read(func(tx *store.Tx) error {
		out = introspection(tx, token)
		// A miss may be a fixture token not signed yet.
		retry = tx.HasDeferred() && tx.Access(token) == nil
		return nil
	})
	if retry && tokens.SignDeferred(context.Background(), st) == nil {
		_ = st.Read(func(tx *store.Tx) error {
			out = introspection(tx, token)
			return nil
		})
	}
	return out
}

func introspection(tx *store.Tx, token string) []byte {
	cfg := tx.Config()
	m := members{b: append(make([]byte, 0, 384), `{"active":true`...)}
	if rec := tx.Access(token); rec != nil {
		if !tx.AccessActive(rec) {
			return inactiveBody
		}
		if rec.Family == store.FamilyM2M {
			m.str("aud", rec.Aud)
			m.str("client_id", rec.ClientID)
			m.str("iss", rec.Iss)
			m.str("sub", rec.Sub)
			if rec.OrgID != "" {
				m.str("org_id", rec.OrgID)
			}
		} else {
			aud := rec.Aud
			if aud == "" {
				aud = cfg.ClientID
			}
			m.str("client_id", rec.ClientID)
			m.str("iss", rec.Iss)
			m.str("aud", aud)
			m.str("sub", rec.Sub)
			if rec.OrgID != "" {
				m.str("org_id", rec.OrgID)
			}
			m.str("sid", rec.SessionID)
		}
		m.str("jti", rec.JTI)
		m.num("exp", rec.Exp)
		m.num("iat", rec.IAT)
		m.str("token_type", "access_token")
		return append(m.b, '}')
	}
	if rt := tx.Refresh(token); rt != nil {
		ss := tx.Session(rt.SessionID)
		if ss == nil || ss.RefreshToken != token || !ss.ActiveAt(tx.Now(), cfg) || tx.User(ss.UserID) == nil {
			return inactiveBody
		}
		iss := cfg.Issuer
		if ss.Family == store.FamilyUM {
			iss = cfg.UMIssuer
		}
		m.str("client_id", ss.ClientID)
		m.str("iss", iss)
		m.str("aud", cfg.ClientID)
		m.str("sub", ss.UserID)
		m.num("iat", rt.IAT)
		m.str("token_type", "refresh_token")
		return append(m.b, '}')
	}
	return inactiveBody
}
