package signin

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
)

// Client is the caller of an OAuth endpoint: the environment itself
// (authenticating with an API key as its secret) or a Connect application.
type Client struct {
	ID  string
	App *store.Application // nil for the environment
	// Authenticated is false for a public client that sent only its id.
	Authenticated bool
}

// credentials extracts client_id and client_secret from HTTP Basic (RFC
// 6749 §2.3.1, form-encoded inside) or the body; using both is an error.
func credentials(c echo.Context, b *web.Body) (id, secret string, basic bool, err *web.Error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) > 6 && strings.EqualFold(h[:6], "basic ") {
		raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(h[6:]))
		u, pw, ok := strings.Cut(string(raw), ":")
		if derr != nil || !ok {
			return "", "", true, invalidClient(true, "The Basic authorization header is malformed.")
		}
		if b.Param("client_secret") != "" {
			return "", "", true, web.OAuthError(http.StatusBadRequest, web.CodeInvalidRequest, "Authenticate with HTTP Basic or with client_secret in the body, not both.")
		}
		if uid, e := url.QueryUnescape(u); e == nil {
			u = uid
		}
		if upw, e := url.QueryUnescape(pw); e == nil {
			pw = upw
		}
		if bid := b.Param("client_id"); bid != "" && bid != u {
			return "", "", true, web.OAuthError(http.StatusBadRequest, web.CodeInvalidRequest, "client_id in the body differs from the Basic authorization header.")
		}
		return u, pw, true, nil
	}
	return b.Param("client_id"), b.Param("client_secret"), false, nil
}

func invalidClient(basic bool, msg string) *web.Error {
	e := web.OAuthError(http.StatusUnauthorized, web.CodeInvalidClient, msg)
	if basic {
		e = e.WithHeader("WWW-Authenticate", `Basic realm="authkit-emulator"`)
	}
	return e
}

// AuthenticateClient identifies and authenticates the caller of an OAuth
// endpoint. With allowPublic, a public application may identify itself by
// client_id alone (it proves itself with PKCE instead of a secret).
func AuthenticateClient(c echo.Context, st *store.Store, b *web.Body, allowPublic bool) (*Client, error) {
	id, secret, basic, err := credentials(c, b)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalidClient(basic, "Client authentication failed: client_id is required.")
	}
	cfg := st.Config()
	if id == cfg.ClientID {
		if !cfg.ValidAPIKey(secret) {
			return nil, invalidClient(basic, "Client authentication failed: the environment authenticates with an API key as client_secret.")
		}
		return &Client{ID: id, Authenticated: true}, nil
	}
	var app *store.Application
	_ = st.Read(func(tx *store.Tx) error { app = tx.App(id); return nil })
	switch {
	case app == nil:
		return nil, invalidClient(basic, "Client authentication failed: unknown client_id.")
	case app.Public() && secret == "":
		if !allowPublic {
			return nil, invalidClient(basic, "Client authentication failed: a public client cannot authenticate here.")
		}
		return &Client{ID: id, App: app}, nil
	case !app.Authenticate(secret, st.Clock().Now()):
		return nil, invalidClient(basic, "Client authentication failed: wrong client_secret.")
	}
	return &Client{ID: id, App: app, Authenticated: true}, nil
}
