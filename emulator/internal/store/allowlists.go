package store

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The environment's allow-lists that the API manages: the redirect URIs of
// /user_management/authorize and the CORS origins of browser calls. The
// fixtures' environment.redirect_uris and environment.cors_origins seed
// them; /user_management/redirect_uris and /user_management/cors_origins
// change them, and authorize and the CORS middleware read them from the
// world, so a change is obeyed by the next request.

// Id prefixes of the allow-list objects.
const (
	PrefixRedirectURI = "redir_"
	PrefixCORSOrigin  = "cors_origin_"
)

// RedirectURI is an allowed redirect URI (WorkOS wildcards included).
type RedirectURI struct {
	Seq       uint64
	ID        string
	URI       string
	Default   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListKey orders redirect URIs by creation.
func (r *RedirectURI) ListKey() (uint64, string) { return r.Seq, r.ID }

// Object renders the spec's RedirectUri.
func (r *RedirectURI) Object() wire.Object {
	return wire.Object{{"object", "redirect_uri"}, {"id", r.ID}, {"uri", r.URI}, {"default", r.Default},
		{"created_at", wire.Time(r.CreatedAt)}, {"updated_at", wire.Time(r.UpdatedAt)}}
}

// CORSOrigin is a browser origin allowed to call the API.
type CORSOrigin struct {
	Seq       uint64
	ID        string
	Origin    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListKey orders CORS origins by creation.
func (o *CORSOrigin) ListKey() (uint64, string) { return o.Seq, o.ID }

// Object renders the spec's CorsOriginResponse.
func (o *CORSOrigin) Object() wire.Object {
	return wire.Object{{"object", "cors_origin"}, {"id", o.ID}, {"origin", o.Origin},
		{"created_at", wire.Time(o.CreatedAt)}, {"updated_at", wire.Time(o.UpdatedAt)}}
}

// allowlists is the world's redirect URIs and CORS origins. uris and
// origins are the plain strings the hot paths match against, rebuilt on
// every change (changes are rare, matches happen on every authorize and
// every browser request).
type allowlists struct {
	redirects  []*RedirectURI
	redirectID map[string]*RedirectURI
	uris       []string
	cors       []*CORSOrigin
	origins    map[string]bool
}

func newAllowlists() allowlists {
	return allowlists{redirectID: map[string]*RedirectURI{}, origins: map[string]bool{}}
}

// seedAllowlists adds the environment's redirect URIs and CORS origins (the
// first redirect URI is the default, as the first one configured in the
// dashboard is), then those given with their ids and times
// (redirect_uri_data, cors_origin_data). Ids not given derive from the
// values, so seeding draws nothing from the seeded stream and the ids a
// scenario gets do not shift.
func (tx *Tx) seedAllowlists(env fixtures.Environment) {
	for _, u := range env.RedirectURIs {
		if tx.RedirectURIByValue(u) == nil {
			tx.AddRedirectURI(PrefixRedirectURI+deriveULID("redirect_uri/"+u, tx.now), u)
		}
	}
	for _, d := range env.RedirectURIData {
		if tx.RedirectURIByValue(d.URI) != nil {
			continue
		}
		r := tx.AddRedirectURI(cmp.Or(d.ID, PrefixRedirectURI+deriveULID("redirect_uri/"+d.URI, tx.now)), d.URI)
		r.Default = d.Default
		r.CreatedAt = at(d.CreatedAt, tx.now)
		r.UpdatedAt = at(d.UpdatedAt, r.CreatedAt)
	}
	for _, o := range env.CORSOrigins {
		if !tx.CORSOriginListed(o) {
			tx.AddCORSOrigin(PrefixCORSOrigin+deriveULID("cors_origin/"+o, tx.now), o)
		}
	}
	for _, d := range env.CORSOriginData {
		if tx.CORSOriginListed(d.Origin) {
			continue
		}
		o := tx.AddCORSOrigin(cmp.Or(d.ID, PrefixCORSOrigin+deriveULID("cors_origin/"+d.Origin, tx.now)), d.Origin)
		o.CreatedAt = at(d.CreatedAt, tx.now)
		o.UpdatedAt = at(d.UpdatedAt, o.CreatedAt)
	}
}

// snapshotAllowlists writes the redirect URIs and CORS origins as they are
// now, with their ids and times (the environment's plain lists are what
// the world was loaded with, not what the API made of them since).
func snapshotAllowlists(tx *Tx, set *fixtures.Set) {
	env := &set.Environment
	env.RedirectURIs, env.CORSOrigins, env.RedirectURIData, env.CORSOriginData = nil, nil, nil, nil
	for _, r := range tx.w.allow.redirects {
		env.RedirectURIData = append(env.RedirectURIData, fixtures.RedirectURIData{ID: r.ID, URI: r.URI, Default: r.Default,
			CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)})
	}
	for _, o := range tx.w.allow.cors {
		env.CORSOriginData = append(env.CORSOriginData, fixtures.CORSOriginData{ID: o.ID, Origin: o.Origin,
			CreatedAt: stamp(o.CreatedAt), UpdatedAt: stamp(o.UpdatedAt)})
	}
}

// RedirectURIs lists the redirect URIs in creation order. The slice is the
// index: do not change it.
func (tx *Tx) RedirectURIs() []*RedirectURI { return tx.w.allow.redirects }

// AllowedRedirectURIs are the redirect URI patterns authorize accepts. The
// slice is shared: do not change it.
func (tx *Tx) AllowedRedirectURIs() []string { return tx.w.allow.uris }

// RedirectURI is the redirect URI with that id, or nil.
func (tx *Tx) RedirectURI(id string) *RedirectURI { return tx.w.allow.redirectID[id] }

// RedirectURIByValue is the redirect URI equal to uri, or nil.
func (tx *Tx) RedirectURIByValue(uri string) *RedirectURI {
	for _, r := range tx.w.allow.redirects {
		if r.URI == uri {
			return r
		}
	}
	return nil
}

// AddRedirectURI allows a redirect URI. The first one is the default.
func (tx *Tx) AddRedirectURI(id, uri string) *RedirectURI {
	a := &tx.w.allow
	r := &RedirectURI{ID: id, URI: uri, Default: len(a.redirects) == 0, CreatedAt: tx.now, UpdatedAt: tx.now}
	r.Seq = tx.w.nextSeq(id)
	a.redirects = append(a.redirects, r)
	a.redirectID[id] = r
	a.uris = append(slices.Clip(a.uris), uri)
	return r
}

// DeleteRedirectURI stops allowing a redirect URI.
func (tx *Tx) DeleteRedirectURI(r *RedirectURI) {
	a := &tx.w.allow
	a.redirects = without1(a.redirects, r)
	delete(a.redirectID, r.ID)
	uris := make([]string, len(a.redirects))
	for i, x := range a.redirects {
		uris[i] = x.URI
	}
	a.uris = uris
	tx.w.forgetSeq(r.ID, tx.now)
}

// CORSOrigins lists the CORS origins in creation order. The slice is the
// index: do not change it.
func (tx *Tx) CORSOrigins() []*CORSOrigin { return tx.w.allow.cors }

// CORSOriginListed reports whether an origin is on the list.
func (tx *Tx) CORSOriginListed(origin string) bool {
	return tx.w.allow.origins[NormalizeOrigin(origin)]
}

// AddCORSOrigin allows a browser origin.
func (tx *Tx) AddCORSOrigin(id, origin string) *CORSOrigin {
	a := &tx.w.allow
	o := &CORSOrigin{ID: id, Origin: origin, CreatedAt: tx.now, UpdatedAt: tx.now}
	o.Seq = tx.w.nextSeq(id)
	a.cors = append(a.cors, o)
	a.origins[NormalizeOrigin(origin)] = true
	return o
}

// NormalizeOrigin is how origins are compared: scheme and host in lower
// case, without a trailing slash (browsers send https://App.test as
// https://app.test).
func NormalizeOrigin(o string) string {
	o = strings.TrimRight(o, "/")
	if u, err := url.Parse(o); err == nil && u.Scheme != "" && u.Host != "" {
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	}
	return o
}

// CORSAllowed reports whether a browser origin may call the API: one on the
// list, or, while the list is empty, any http(s) origin on localhost,
// 127.0.0.1 or ::1 (the emulator's default for local development). It runs
// a read transaction only for requests that carry an Origin header.
func (s *Store) CORSAllowed(origin string) bool {
	var ok bool
	_ = s.Read(func(tx *Tx) error {
		a := &tx.w.allow
		if len(a.cors) > 0 {
			ok = a.origins[NormalizeOrigin(origin)]
			return nil
		}
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil
		}
		h := u.Hostname()
		ok = h == "localhost" || h == "127.0.0.1" || h == "::1"
		return nil
	})
	return ok
}
