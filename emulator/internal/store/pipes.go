package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// WorkOS Pipes: the environment's data integrations (providers users
// connect their third-party accounts to), each user's connected accounts
// with the tokens the emulated provider issued, organizations' overrides,
// and the consent flows in progress.

// Pipes defaults.
const (
	// DefaultPipesTokenTTL is the lifetime of an emulated provider's access
	// tokens when the integration sets none.
	DefaultPipesTokenTTL = time.Hour
	// PipesAuthorizationTTL is how long an authorization URL stays usable.
	PipesAuthorizationTTL = 10 * time.Minute
	// MaxPipesAuthorizations bounds the consent flows in progress: beyond
	// it the oldest are forgotten (their URLs then fail like expired ones).
	MaxPipesAuthorizations = 10_000
	// PipesTokenLength is the length of the emulated providers' opaque
	// access and refresh tokens.
	PipesTokenLength = 40
)

// CustomProvider is the OAuth definition of a custom provider.
type CustomProvider struct {
	Name                              string
	AuthorizationURL, TokenURL        *string
	RefreshTokenURL                   *string
	PKCEEnabled                       bool
	RequestScopeSeparator             string
	ScopesRequired                    bool
	ClientSecretRequired              bool
	AdditionalAuthorizationParameters map[string]string
	TokenBodyContentType              string
	AuthenticateVia                   string
}

// DataIntegration is a provider configured in the environment. Its slug is
// an index key and never changes.
type DataIntegration struct {
	Seq         uint64
	ID          string
	Slug        string
	Name        string
	Description *string
	Enabled     bool
	// Scopes are the integration's own; nil means the provider's.
	Scopes      []string
	AuthMethods []string
	// Credentials is custom, organization or "" (no OAuth).
	Credentials  string
	ClientID     string
	ClientSecret string
	Config       map[string]string
	// Custom is the definition of a custom provider; nil for a built-in.
	Custom *CustomProvider
	// TokenTTL and Refreshable describe the emulated provider's tokens.
	TokenTTL    time.Duration
	Refreshable bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListKey orders integrations by creation.
func (d *DataIntegration) ListKey() (uint64, string) { return d.Seq, d.ID }

// Supports reports whether the integration accepts an auth method.
func (d *DataIntegration) Supports(method string) bool { return slices.Contains(d.AuthMethods, method) }

// ProviderScopes are the provider's own scopes (the catalog's, or none for
// a custom provider).
func (d *DataIntegration) ProviderScopes() []string {
	if p := fixtures.BuiltinProvider(d.Slug); p != nil && d.Custom == nil {
		return p.Scopes
	}
	return nil
}

// ScopesFor are the scopes requested for a user of the organization
// ("" for none): the organization's override, else the integration's, else
// the provider's.
func (tx *Tx) ScopesFor(d *DataIntegration, orgID string) []string {
	if c := tx.OrgIntegrationConfig(orgID, d.Slug); c != nil && c.Scopes != nil {
		return c.Scopes
	}
	if d.Scopes != nil {
		return d.Scopes
	}
	return d.ProviderScopes()
}

// EnabledFor reports whether the integration is enabled for the
// organization ("" for none): the organization's override, else its own.
func (tx *Tx) EnabledFor(d *DataIntegration, orgID string) bool {
	if c := tx.OrgIntegrationConfig(orgID, d.Slug); c != nil && c.Enabled != nil {
		return *c.Enabled
	}
	return d.Enabled
}

// ConnectedAccount is a user's (or a user's within an organization)
// connection to a data integration.
type ConnectedAccount struct {
	Seq           uint64
	ID            string
	IntegrationID string
	Slug          string
	UserID        string
	OrgID         string
	AuthMethod    string
	Scopes        []string
	State         string
	// OAuth (and client-credentials) tokens; ExpiresAt zero means the
	// access token does not expire.
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time
	// APIKey is an api_key account's secret; ClientID and ClientSecret a
	// client_credentials account's.
	APIKey       string
	ClientID     string
	ClientSecret string
	Config       map[string]string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ListKey orders accounts by creation.
func (a *ConnectedAccount) ListKey() (uint64, string) { return a.Seq, a.ID }

// OrgIntegrationConfig is an organization's override of an integration.
type OrgIntegrationConfig struct {
	OrgID, Slug string
	Enabled     *bool
	// Scopes override the integration's when not nil.
	Scopes       []string
	ClientID     string
	ClientSecret string
	Config       map[string]string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PipesAuthorization is a consent flow in progress: the URL
// POST /data-integrations/{slug}/authorize handed out.
type PipesAuthorization struct {
	State         string
	IntegrationID string
	UserID        string
	OrgID         string
	ReturnTo      string
	Config        map[string]string
	ExpiresAt     time.Time
}

type pipesState struct {
	byID   map[string]*DataIntegration
	bySlug map[string]*DataIntegration
	order  []*DataIntegration
	// accounts by integration id, user id and organization id.
	accounts map[string]*ConnectedAccount
	// userAccounts are each user's accounts in creation order.
	userAccounts map[string][]*ConnectedAccount
	orgConfigs   map[string]*OrgIntegrationConfig // org id + "\x00" + slug
	authz        map[string]*PipesAuthorization
	authzOrder   []*PipesAuthorization
}

func newPipesState() pipesState {
	return pipesState{byID: map[string]*DataIntegration{}, bySlug: map[string]*DataIntegration{},
		accounts: map[string]*ConnectedAccount{}, userAccounts: map[string][]*ConnectedAccount{},
		orgConfigs: map[string]*OrgIntegrationConfig{}, authz: map[string]*PipesAuthorization{}}
}

func accountKey(integrationID, userID, orgID string) string {
	return integrationID + "\x00" + userID + "\x00" + orgID
}

// DataIntegration is the integration with that slug, or nil.
func (tx *Tx) DataIntegration(slug string) *DataIntegration { return tx.w.pipes.bySlug[slug] }

// DataIntegrationByID is the integration with that id, or nil.
func (tx *Tx) DataIntegrationByID(id string) *DataIntegration { return tx.w.pipes.byID[id] }

// DataIntegrations lists the integrations in creation order. The slice is
// the index: do not change it.
func (tx *Tx) DataIntegrations() []*DataIntegration { return tx.w.pipes.order }

// AddDataIntegration indexes a new integration.
func (tx *Tx) AddDataIntegration(d *DataIntegration) {
	p := &tx.w.pipes
	d.Seq = tx.w.nextSeq(d.ID)
	p.byID[d.ID], p.bySlug[d.Slug] = d, d
	p.order = append(p.order, d)
}

// DeleteDataIntegration removes an integration with its connected
// accounts and the organizations' overrides of it, and returns the
// accounts removed (their disconnection is the caller's to announce).
func (tx *Tx) DeleteDataIntegration(d *DataIntegration) []*ConnectedAccount {
	p := &tx.w.pipes
	var gone []*ConnectedAccount
	for _, list := range p.userAccounts {
		for _, a := range list {
			if a.IntegrationID == d.ID {
				gone = append(gone, a)
			}
		}
	}
	SortBySeq(gone)
	for _, a := range gone {
		tx.DeleteConnectedAccount(a)
	}
	for k, c := range p.orgConfigs {
		if c.Slug == d.Slug {
			delete(p.orgConfigs, k)
		}
	}
	delete(p.byID, d.ID)
	delete(p.bySlug, d.Slug)
	p.order = without1(p.order, d)
	tx.w.forgetSeq(d.ID, tx.now)
	return gone
}

// ConnectedAccount is the account of a user (within an organization, or
// "") on an integration, or nil.
func (tx *Tx) ConnectedAccount(d *DataIntegration, userID, orgID string) *ConnectedAccount {
	return tx.w.pipes.accounts[accountKey(d.ID, userID, orgID)]
}

// ConnectedAccountsOf lists a user's accounts in creation order. The slice
// is the index: do not change it.
func (tx *Tx) ConnectedAccountsOf(userID string) []*ConnectedAccount {
	return tx.w.pipes.userAccounts[userID]
}

// AddConnectedAccount indexes a new account.
func (tx *Tx) AddConnectedAccount(a *ConnectedAccount) {
	p := &tx.w.pipes
	a.Seq = tx.w.nextSeq(a.ID)
	p.accounts[accountKey(a.IntegrationID, a.UserID, a.OrgID)] = a
	p.userAccounts[a.UserID] = append(p.userAccounts[a.UserID], a)
}

// DeleteConnectedAccount removes an account and its tokens.
func (tx *Tx) DeleteConnectedAccount(a *ConnectedAccount) {
	p := &tx.w.pipes
	delete(p.accounts, accountKey(a.IntegrationID, a.UserID, a.OrgID))
	if list := without1(p.userAccounts[a.UserID], a); len(list) > 0 {
		p.userAccounts[a.UserID] = list
	} else {
		delete(p.userAccounts, a.UserID)
	}
	tx.w.forgetSeq(a.ID, tx.now)
}

// OrgIntegrationConfig is an organization's override of the integration
// with that slug, or nil.
func (tx *Tx) OrgIntegrationConfig(orgID, slug string) *OrgIntegrationConfig {
	if orgID == "" {
		return nil
	}
	return tx.w.pipes.orgConfigs[orgID+"\x00"+slug]
}

// SetOrgIntegrationConfig records an organization's override.
func (tx *Tx) SetOrgIntegrationConfig(c *OrgIntegrationConfig) {
	tx.w.pipes.orgConfigs[c.OrgID+"\x00"+c.Slug] = c
}

// NewPipesAuthorization starts a consent flow: a single-use state, valid
// for PipesAuthorizationTTL. Expired flows (and, past
// MaxPipesAuthorizations, the oldest) are forgotten.
func (tx *Tx) NewPipesAuthorization(a *PipesAuthorization) {
	p := &tx.w.pipes
	for len(p.authzOrder) > 0 && (len(p.authzOrder) >= MaxPipesAuthorizations || !tx.now.Before(p.authzOrder[0].ExpiresAt)) {
		delete(p.authz, p.authzOrder[0].State)
		p.authzOrder[0] = nil
		p.authzOrder = p.authzOrder[1:]
	}
	a.State = tx.Token(32)
	a.ExpiresAt = tx.now.Add(PipesAuthorizationTTL)
	p.authz[a.State] = a
	p.authzOrder = append(p.authzOrder, a)
}

// PipesAuthorization is the live consent flow with that state, or nil.
func (tx *Tx) PipesAuthorization(state string) *PipesAuthorization {
	a := tx.w.pipes.authz[state]
	if a == nil || !tx.now.Before(a.ExpiresAt) {
		return nil
	}
	return a
}

// EndPipesAuthorization uses a consent flow up.
func (tx *Tx) EndPipesAuthorization(a *PipesAuthorization) {
	p := &tx.w.pipes
	delete(p.authz, a.State)
	p.authzOrder = without1(p.authzOrder, a)
}

// IssuePipesTokens gives an OAuth account fresh tokens from the emulated
// provider: an access token valid for the integration's TTL and, when the
// provider issues them, a refresh token (kept when it already has one).
func (tx *Tx) IssuePipesTokens(d *DataIntegration, a *ConnectedAccount) {
	a.AccessToken = tx.Token(PipesTokenLength)
	a.ExpiresAt = tx.now.Add(d.TokenTTL)
	if d.Refreshable && a.RefreshToken == "" {
		a.RefreshToken = tx.Token(PipesTokenLength)
	}
}

// PipesAccountObject is the data of the pipes.connected_account.* events
// (the spec's PipesConnectedAccount).
func PipesAccountObject(a *ConnectedAccount) wire.Object {
	return wire.Object{{"object", "connected_account"}, {"id", a.ID}, {"data_integration_id", a.IntegrationID},
		{"provider_slug", a.Slug}, {"user_id", a.UserID}, {"organization_id", wire.Opt(a.OrgID)},
		{"scopes", wire.NonNil(a.Scopes)}, {"state", a.State},
		{"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
}

// seedDataIntegrations adds a fixture's data integrations and their
// connected accounts. Added at run time, each connected account emits
// pipes.connected_account.connected; at load the events are not committed.
func (tx *Tx) seedDataIntegrations(list []fixtures.DataIntegration) error {
	for i := range list {
		f := &list[i]
		if tx.DataIntegration(f.Slug) != nil || tx.DataIntegrationByID(f.ID) != nil {
			return fmt.Errorf("data integration %s already exists", f.Slug)
		}
		created := at(f.CreatedAt, tx.now)
		d := &DataIntegration{ID: f.ID, Slug: f.Slug, Name: f.Name, Description: f.Description, Enabled: f.Enabled == nil || *f.Enabled,
			Scopes: slices.Clone(f.Scopes), AuthMethods: slices.Clone(f.AuthMethods), Credentials: f.Credentials,
			ClientID: f.ClientID, ClientSecret: f.ClientSecret, Config: nonNilMap(f.Config),
			TokenTTL: f.AccessTokenTTL.Or(DefaultPipesTokenTTL), Refreshable: f.RefreshTokens == nil || *f.RefreshTokens,
			CreatedAt: created, UpdatedAt: at(f.UpdatedAt, created)}
		if fixtures.BuiltinProvider(f.Slug) == nil {
			d.Custom = fixtureCustomProvider(f.Name, f.CustomProvider)
		}
		tx.AddDataIntegration(d)
		for _, fc := range f.OrganizationConfigurations {
			if tx.w.orgs[fc.OrganizationID] == nil {
				return fmt.Errorf("data integration %s: organization %s does not exist", d.Slug, fc.OrganizationID)
			}
			cc := at(fc.CreatedAt, tx.now)
			c := &OrgIntegrationConfig{OrgID: fc.OrganizationID, Slug: d.Slug, Enabled: fc.Enabled, ClientID: fc.ClientID,
				ClientSecret: fc.ClientSecret, Config: nonNilMap(fc.Config), CreatedAt: cc, UpdatedAt: at(fc.UpdatedAt, cc)}
			if fc.Scopes != nil {
				c.Scopes = append([]string{}, *fc.Scopes...)
			}
			tx.SetOrgIntegrationConfig(c)
		}
		for j := range f.ConnectedAccounts {
			fa := &f.ConnectedAccounts[j]
			ac := at(fa.CreatedAt, tx.now)
			a := &ConnectedAccount{ID: fa.ID, IntegrationID: d.ID, Slug: d.Slug, UserID: fa.UserID, OrgID: fa.OrganizationID,
				AuthMethod: fa.AuthMethod, Scopes: slices.Clone(fa.Scopes), State: fa.State,
				APIKey: fa.APIKey, ClientID: fa.ClientID, ClientSecret: fa.ClientSecret, Config: nonNilMap(fa.Config),
				CreatedAt: ac, UpdatedAt: at(fa.UpdatedAt, ac)}
			if a.Scopes == nil {
				a.Scopes = []string{}
				if a.AuthMethod != fixtures.AuthMethodAPIKey {
					a.Scopes = slices.Clone(tx.ScopesFor(d, a.OrgID))
				}
			}
			if fa.GenerateTokens == nil || *fa.GenerateTokens {
				if a.AuthMethod == fixtures.AuthMethodOAuth {
					tx.IssuePipesTokens(d, a)
				}
			}
			a.AccessToken = cmp.Or(fa.AccessToken, a.AccessToken)
			a.RefreshToken = cmp.Or(fa.RefreshToken, a.RefreshToken)
			if exp, ok := fa.ExpiresAt.Time(); ok {
				a.ExpiresAt = exp.UTC()
			}
			if tx.w.users[a.UserID] == nil || (a.OrgID != "" && tx.w.orgs[a.OrgID] == nil) {
				return fmt.Errorf("connected account %s: its user or organization does not exist", a.ID)
			}
			if tx.ConnectedAccount(d, a.UserID, a.OrgID) != nil {
				return fmt.Errorf("connected account %s already exists", a.ID)
			}
			tx.AddConnectedAccount(a)
			if a.State == fixtures.AccountConnected {
				tx.Emit("pipes.connected_account.connected", a.OrgID, PipesAccountObject(a))
			}
		}
	}
	return nil
}

// DefaultCustomProvider is the definition of a custom provider a fixture
// names only: the emulated provider serves its consent page itself, so it
// has no URLs.
func DefaultCustomProvider(name string) *CustomProvider {
	return &CustomProvider{Name: name, PKCEEnabled: true, RequestScopeSeparator: " ", ClientSecretRequired: true,
		AdditionalAuthorizationParameters: map[string]string{}, TokenBodyContentType: "application/x-www-form-urlencoded",
		AuthenticateVia: "request_body"}
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// forgetPipesOfUser removes a deleted user's connected accounts.
func (tx *Tx) forgetPipesOfUser(userID string) {
	for _, a := range slices.Clone(tx.w.pipes.userAccounts[userID]) {
		tx.DeleteConnectedAccount(a)
	}
}

// forgetPipesOfOrg removes a deleted organization's connected accounts and
// overrides.
func (tx *Tx) forgetPipesOfOrg(orgID string) {
	p := &tx.w.pipes
	var gone []*ConnectedAccount
	for _, list := range p.userAccounts {
		for _, a := range list {
			if a.OrgID == orgID {
				gone = append(gone, a)
			}
		}
	}
	for _, a := range gone {
		tx.DeleteConnectedAccount(a)
	}
	for k, c := range p.orgConfigs {
		if c.OrgID == orgID {
			delete(p.orgConfigs, k)
		}
	}
}

// checkVaultAndPipes is CheckIndexes for Vault and Pipes: every object in
// each of its indexes, no account of a deleted integration or user.
func (w *World) checkVaultAndPipes() error {
	v := &w.vault
	if len(v.order) != len(v.byID) || len(v.byName) != len(v.byID) {
		return fmt.Errorf("vault: %d ordered, %d by id, %d by name", len(v.order), len(v.byID), len(v.byName))
	}
	for _, o := range v.order {
		if v.byID[o.ID] != o || v.byName[o.Name] != o {
			return fmt.Errorf("vault object %s is not indexed consistently", o.ID)
		}
	}
	p := &w.pipes
	if len(p.order) != len(p.byID) || len(p.bySlug) != len(p.byID) {
		return fmt.Errorf("data integrations: %d ordered, %d by id, %d by slug", len(p.order), len(p.byID), len(p.bySlug))
	}
	n := 0
	for userID, list := range p.userAccounts {
		for _, a := range list {
			n++
			if a.UserID != userID || p.accounts[accountKey(a.IntegrationID, a.UserID, a.OrgID)] != a {
				return fmt.Errorf("connected account %s is not indexed consistently", a.ID)
			}
			if p.byID[a.IntegrationID] == nil || w.users[a.UserID] == nil || (a.OrgID != "" && w.orgs[a.OrgID] == nil) {
				return fmt.Errorf("connected account %s dangles", a.ID)
			}
		}
	}
	if n != len(p.accounts) {
		return fmt.Errorf("connected accounts: %d by user, %d by key", n, len(p.accounts))
	}
	return nil
}

// fixtureCustomProvider is a custom provider's definition: the emulator's
// defaults, with what the fixture's custom_provider sets.
func fixtureCustomProvider(name string, f *fixtures.PipesCustomProvider) *CustomProvider {
	p := DefaultCustomProvider(name)
	if f == nil {
		return p
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	p.AuthorizationURL, p.TokenURL, p.RefreshTokenURL = opt(f.AuthorizationURL), opt(f.TokenURL), opt(f.RefreshTokenURL)
	if f.PKCEEnabled != nil {
		p.PKCEEnabled = *f.PKCEEnabled
	}
	if f.ClientSecretRequired != nil {
		p.ClientSecretRequired = *f.ClientSecretRequired
	}
	p.ScopesRequired = f.ScopesRequired
	p.RequestScopeSeparator = cmp.Or(f.RequestScopeSeparator, p.RequestScopeSeparator)
	p.TokenBodyContentType = cmp.Or(f.TokenBodyContentType, p.TokenBodyContentType)
	p.AuthenticateVia = cmp.Or(f.AuthenticateVia, p.AuthenticateVia)
	if f.AdditionalAuthorizationParameters != nil {
		p.AdditionalAuthorizationParameters = maps.Clone(map[string]string(f.AdditionalAuthorizationParameters))
	}
	return p
}

// snapshotDataIntegrations writes the integrations in creation order, with
// their custom definitions, organizations' overrides and connected
// accounts (tokens and secrets included, taken as written at load). The
// consent flows in progress are not fixture state.
func snapshotDataIntegrations(tx *Tx, set *fixtures.Set) {
	var accounts []*ConnectedAccount
	for _, list := range tx.w.pipes.userAccounts {
		accounts = append(accounts, list...)
	}
	SortBySeq(accounts)
	byIntegration := map[string][]*ConnectedAccount{}
	for _, a := range accounts {
		byIntegration[a.IntegrationID] = append(byIntegration[a.IntegrationID], a)
	}
	var configs []*OrgIntegrationConfig
	for _, c := range tx.w.pipes.orgConfigs {
		configs = append(configs, c)
	}
	slices.SortFunc(configs, func(a, b *OrgIntegrationConfig) int {
		sa, _ := tx.SeqOf(a.OrgID)
		sb, _ := tx.SeqOf(b.OrgID)
		return cmp.Or(cmp.Compare(sa, sb), strings.Compare(a.Slug, b.Slug))
	})
	for _, d := range tx.w.pipes.order {
		fd := fixtures.DataIntegration{ID: d.ID, Slug: d.Slug, Name: d.Name, Description: d.Description, Scopes: slices.Clone(d.Scopes),
			AuthMethods: slices.Clone(d.AuthMethods), Credentials: d.Credentials, ClientID: d.ClientID, ClientSecret: d.ClientSecret,
			Config: fixtures.Metadata(maps.Clone(d.Config)), AccessTokenTTL: fixtures.Duration(d.TokenTTL.String()),
			CreatedAt: stamp(d.CreatedAt), UpdatedAt: stamp(d.UpdatedAt)}
		if !d.Enabled {
			fd.Enabled = new(bool)
		}
		if !d.Refreshable {
			fd.RefreshTokens = new(bool)
		}
		if c := d.Custom; c != nil {
			fd.CustomProvider = &fixtures.PipesCustomProvider{
				AuthorizationURL: deref(c.AuthorizationURL), TokenURL: deref(c.TokenURL), RefreshTokenURL: deref(c.RefreshTokenURL),
				PKCEEnabled: &c.PKCEEnabled, RequestScopeSeparator: c.RequestScopeSeparator, ScopesRequired: c.ScopesRequired,
				ClientSecretRequired: &c.ClientSecretRequired, TokenBodyContentType: c.TokenBodyContentType, AuthenticateVia: c.AuthenticateVia,
				AdditionalAuthorizationParameters: fixtures.Metadata(maps.Clone(c.AdditionalAuthorizationParameters)),
			}
		}
		for _, c := range configs {
			if c.Slug != d.Slug || !tx.orgExists(c.OrgID) {
				continue
			}
			fc := fixtures.PipesOrganizationConfiguration{OrganizationID: c.OrgID, Enabled: c.Enabled, ClientID: c.ClientID,
				ClientSecret: c.ClientSecret, Config: fixtures.Metadata(maps.Clone(c.Config)), CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
			if c.Scopes != nil {
				scopes := slices.Clone(c.Scopes)
				fc.Scopes = &scopes
			}
			fd.OrganizationConfigurations = append(fd.OrganizationConfigurations, fc)
		}
		for _, a := range byIntegration[d.ID] {
			fa := fixtures.ConnectedAccount{ID: a.ID, UserID: a.UserID, OrganizationID: a.OrgID, AuthMethod: a.AuthMethod,
				Scopes: slices.Clone(a.Scopes), State: a.State, AccessToken: a.AccessToken, RefreshToken: a.RefreshToken,
				ExpiresAt: stamp(a.ExpiresAt), GenerateTokens: new(bool), APIKey: a.APIKey, ClientID: a.ClientID,
				ClientSecret: a.ClientSecret, Config: fixtures.Metadata(maps.Clone(a.Config)), CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt)}
			fd.ConnectedAccounts = append(fd.ConnectedAccounts, fa)
		}
		set.DataIntegrations = append(set.DataIntegrations, fd)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
