package control

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/signin"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// SessionInfo is a session with its current tokens. The access token is
// kept for fixture sessions and minted ones; a session a client signed in
// to (or refreshed) has handed its access token to the client, and
// AccessToken is empty.
type SessionInfo struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	UserID         string  `json:"user_id"`
	OrganizationID *string `json:"organization_id"`
	ClientID       string  `json:"client_id"`
	Status         string  `json:"status"`
	AuthMethod     string  `json:"auth_method"`
	CreatedAt      string  `json:"created_at"`
	ExpiresAt      *string `json:"expires_at"`
	EndedAt        *string `json:"ended_at"`
	AccessToken    string  `json:"access_token"`
	RefreshToken   string  `json:"refresh_token"`
}

// Session returns a session and its current tokens (a 404 when there is
// none).
func Session(st *store.Store, id string) (*SessionInfo, error) {
	var out *SessionInfo
	err := st.Read(func(tx *store.Tx) error {
		ss := tx.Session(id)
		if ss == nil {
			return web.NotFound("Session", id)
		}
		out = &SessionInfo{Object: "session", ID: ss.ID, UserID: ss.UserID, OrganizationID: wire.Opt(ss.OrgID),
			ClientID: ss.ClientID, Status: ss.StatusAt(tx.Now(), tx.Config()), AuthMethod: ss.AuthMethod,
			CreatedAt: wire.Time(ss.CreatedAt), ExpiresAt: wire.OptTime(ss.ExpiresAt), EndedAt: wire.TimePtr(ss.EndedAt),
			AccessToken: ss.AccessToken, RefreshToken: ss.RefreshToken}
		return nil
	})
	return out, err
}

// session serves GET /_emulator/sessions/{id}.
func (a *api) session(c echo.Context) error {
	info, err := Session(a.env(c), web.PathParam(c, "id"))
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusOK, info)
}

// revokeSession serves POST /_emulator/sessions/{id}/revoke.
func (a *api) revokeSession(c echo.Context) error {
	if err := signin.RevokeSession(a.env(c), web.PathParam(c, "id")); err != nil {
		return err
	}
	return a.session(c)
}

// mintBody is the JSON of POST /_emulator/tokens: a MintRequest whose ttl
// is a duration string ("10m"), optionally with a defect from the
// bad-token catalogue.
type mintBody struct {
	signin.MintRequest
	TTL    string `json:"ttl,omitempty"`
	Defect string `json:"defect,omitempty"`
	Claim  string `json:"claim,omitempty"`
}

// mint serves POST /_emulator/tokens.
func (a *api) mint(c echo.Context) error {
	var body mintBody
	if err := decodeInto(c, &body); err != nil {
		return err
	}
	req := body.MintRequest
	if body.TTL != "" {
		d, err := time.ParseDuration(body.TTL)
		if err != nil || d <= 0 {
			return web.Invalid(web.Field("ttl", "invalid_duration"))
		}
		req.TTL = d
	}
	ctx, st := c.Request().Context(), a.env(c)
	if body.Defect != "" {
		token, err := signin.MintBad(ctx, st, req, body.Defect, body.Claim)
		if err != nil {
			return err
		}
		return web.JSON(c, http.StatusCreated, wire.Object{{"access_token", token}, {"token_type", "bearer"}, {"defect", body.Defect}})
	}
	res, err := signin.Mint(ctx, st, req)
	if err != nil {
		return err
	}
	return web.JSON(c, http.StatusCreated, res)
}

// Code is an outbox entry as the control plane and the testkit show it.
type Code struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Email     string  `json:"email"`
	UserID    string  `json:"user_id,omitempty"`
	Code      string  `json:"code,omitempty"`
	Phone     string  `json:"phone_number,omitempty"`
	Token     string  `json:"token,omitempty"`
	Link      string  `json:"link,omitempty"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
}

// Codes lists what the environment would have e-mailed, newest first;
// email and kind filter when not empty.
func Codes(st *store.Store, email, kind string) []Code {
	out := []Code{}
	_ = st.Read(func(tx *store.Tx) error {
		for _, e := range tx.Outbox(email, kind) {
			out = append(out, Code{ID: e.ID, Kind: e.Kind, Email: e.Email, UserID: e.UserID, Code: e.Code, Phone: e.Phone, Token: e.Token,
				Link: e.Link, CreatedAt: wire.Time(e.CreatedAt), ExpiresAt: wire.Time(e.ExpiresAt), UsedAt: wire.TimePtr(e.UsedAt)})
		}
		return nil
	})
	return out
}

// codes serves GET /_emulator/codes?email=&kind=.
func (a *api) codes(c echo.Context) error {
	return web.JSON(c, http.StatusOK, wire.Object{{"codes", Codes(a.env(c), c.QueryParam("email"), c.QueryParam("kind"))}})
}
