package portal

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// intents are the Admin Portal's intents (the spec's enum).
var intents = []string{"sso", "dsync", "audit_logs", "log_streams", "domain_verification", "certificate_renewal", "bring_your_own_key"}

// httpURL reports whether s is an absolute http(s) URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= fixtures.MaxURLLength
}

// generateLink serves POST /portal/generate_link (201 {link}).
func (a *api) generateLink(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	orgID, intent := b.Str("organization"), b.Str("intent")
	returnURL, successURL := b.Str("return_url"), b.Str("success_url")
	if orgID == "" {
		b.Bad("organization", "organization_required")
	}
	switch {
	case intent == "":
		b.Bad("intent", "intent_required")
	case !slices.Contains(intents, intent):
		b.Bad("intent", "invalid_intent")
	}
	if returnURL != "" && !httpURL(returnURL) {
		b.Bad("return_url", "invalid_url")
	}
	if successURL != "" && !httpURL(successURL) {
		b.Bad("success_url", "invalid_url")
	}
	if err := b.Err(); err != nil {
		return err
	}
	return web.Write(c, a.env(c), http.StatusCreated, func(tx *store.Tx) (any, error) {
		if tx.Org(orgID) == nil {
			return nil, web.NotFound("Organization", orgID)
		}
		l := &store.PortalLink{Token: tx.Token(40), CSRF: tx.Token(32), OrgID: orgID, Intent: intent, ReturnURL: returnURL,
			SuccessURL: successURL, ExpiresAt: tx.Now().Add(store.PortalLinkTTL)}
		tx.AddPortalLink(l)
		return wire.Object{{"link", tx.Config().PublicURL + pagePath + "?token=" + l.Token}}, nil
	})
}
