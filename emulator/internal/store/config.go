package store

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// DefaultPublicURL is where the CLI listens by default, and the public URL
// of an environment that configures none.
const DefaultPublicURL = "http://127.0.0.1:8484"

// Config is the resolved, immutable configuration of an environment: the
// fixture's environment section with defaults applied and the server's
// overrides (public URL, issuer) on top.
type Config struct {
	ClientID  string
	APIKeys   [][]byte
	Issuer    string // Connect (AuthKit domain) tokens and discovery
	UMIssuer  string // User Management tokens
	PublicURL string
	AccessTTL time.Duration
	CodeTTL   time.Duration
	// LogoutRedirectURIs are the allowed return_to of a logout.
	LogoutRedirectURIs []string
	AutoLogin          bool
	SessionMaxLength   time.Duration
	InactivityTimeout  time.Duration
	// RequireEmailVerification interrupts sign-ins of unverified users.
	RequireEmailVerification bool
	// RequireMFA interrupts sign-ins of users without a factor.
	RequireMFA bool
	// DefaultRole is given to memberships created without a role.
	DefaultRole string
	// EventLogSize caps the event log.
	EventLogSize int
	// ConnectLoginURI is the application's own login page (Standalone
	// Connect); empty: Connect flows use the hosted login page.
	ConnectLoginURI string
}

// Overrides are what the server's configuration sets over the fixture's
// environment.
type Overrides struct {
	PublicURL string
	Issuer    string
}

// ResolveConfig applies defaults and overrides to a fixture's environment.
func ResolveConfig(set *fixtures.Set, o Overrides) (*Config, error) {
	fe := set.Environment
	c := &Config{ClientID: fe.ClientID, AutoLogin: fe.AutoLogin,
		LogoutRedirectURIs: fe.LogoutRedirectURIs}
	for _, k := range fe.APIKeys {
		c.APIKeys = append(c.APIKeys, []byte(k))
	}
	c.PublicURL = strings.TrimRight(cmp.Or(o.PublicURL, fe.PublicURL, DefaultPublicURL), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("public URL %q is not an absolute http(s) URL", c.PublicURL)
	}
	c.Issuer = cmp.Or(o.Issuer, fe.Issuer, c.PublicURL)
	c.UMIssuer = cmp.Or(fe.UserManagementIssuer, c.PublicURL+"/user_management/"+fe.ClientID)
	c.AccessTTL = fe.AccessTokenTTL.Or(5 * time.Minute)
	c.CodeTTL = fe.AuthorizationCodeTTL.Or(10 * time.Minute)
	c.SessionMaxLength = fe.Session.MaxLength.Or(30 * 24 * time.Hour)
	c.InactivityTimeout = fe.Session.InactivityTimeout.Or(0)
	c.RequireEmailVerification = fe.RequireEmailVerification == nil || *fe.RequireEmailVerification
	c.RequireMFA = fe.RequireMFA
	c.DefaultRole = fe.DefaultRole
	c.EventLogSize = cmp.Or(fe.EventLogSize, MaxEvents)
	c.ConnectLoginURI = fe.ConnectLoginURI
	return c, nil
}

// ValidAPIKey compares in constant time against every configured key.
func (c *Config) ValidAPIKey(key string) bool {
	ok := 0
	for _, k := range c.APIKeys {
		ok |= subtle.ConstantTimeCompare(k, []byte(key))
	}
	return ok == 1 && key != ""
}

// APIKey is the environment's first API key.
func (c *Config) APIKey() string { return string(c.APIKeys[0]) }
