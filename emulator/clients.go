package emulator

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// client is the caller of an OAuth endpoint: the environment itself
// (authenticating with an API key as its secret) or a Connect application.
type client struct {
	id  string
	app *application // nil for the environment
	// authenticated is false for a public client that sent only its id.
	authenticated bool
}

// public reports whether the client is a public (PKCE, secret-less) app.
func (cl *client) public() bool { return cl.app != nil && cl.app.Type == "public" }

// clientCredentials extracts client_id and client_secret from HTTP Basic
// (RFC 6749 §2.3.1, form-encoded inside) or the body; using both is an error.
func clientCredentials(c echo.Context, p params) (id, secret string, basic bool, err *Error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) > 6 && strings.EqualFold(h[:6], "basic ") {
		raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(h[6:]))
		u, pw, ok := strings.Cut(string(raw), ":")
		if derr != nil || !ok {
			return "", "", true, invalidClient(true, "The Basic authorization header is malformed.")
		}
		if p.get("client_secret") != "" {
			return "", "", true, oauthError(http.StatusBadRequest, CodeInvalidRequest, "Authenticate with HTTP Basic or with client_secret in the body, not both.")
		}
		if uid, e := url.QueryUnescape(u); e == nil {
			u = uid
		}
		if upw, e := url.QueryUnescape(pw); e == nil {
			pw = upw
		}
		if bid := p.get("client_id"); bid != "" && bid != u {
			return "", "", true, oauthError(http.StatusBadRequest, CodeInvalidRequest, "client_id in the body differs from the Basic authorization header.")
		}
		return u, pw, true, nil
	}
	return p.get("client_id"), p.get("client_secret"), false, nil
}

func invalidClient(basic bool, msg string) *Error {
	e := oauthError(http.StatusUnauthorized, CodeInvalidClient, msg)
	if basic {
		e = e.WithHeader("WWW-Authenticate", `Basic realm="authkit-emulator"`)
	}
	return e
}

// authenticateClient identifies and authenticates the caller. With
// allowPublic, a public application may identify itself by client_id alone
// (it proves itself with PKCE instead of a secret).
func (w *world) authenticateClient(c echo.Context, p params, allowPublic bool) (*client, error) {
	id, secret, basic, err := clientCredentials(c, p)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalidClient(basic, "Client authentication failed: client_id is required.")
	}
	w.mu.RLock()
	app := w.apps[id]
	w.mu.RUnlock()
	switch {
	case id == w.env.clientID:
		if !w.env.validAPIKey(secret) {
			return nil, invalidClient(basic, "Client authentication failed: the environment authenticates with an API key as client_secret.")
		}
		return &client{id: id, authenticated: true}, nil
	case app == nil:
		return nil, invalidClient(basic, "Client authentication failed: unknown client_id.")
	case app.Type == "public" && secret == "":
		if !allowPublic {
			return nil, invalidClient(basic, "Client authentication failed: a public client cannot authenticate here.")
		}
		return &client{id: id, app: app}, nil
	case !app.authenticate(secret):
		return nil, invalidClient(basic, "Client authentication failed: wrong client_secret.")
	}
	return &client{id: id, app: app, authenticated: true}, nil
}
