package store

import "time"

// Admin Portal links: WorkOS's expire 5 minutes after they are made; the
// session a link opens lasts as long as a hosted sign-in page.
const (
	PortalLinkTTL    = 5 * time.Minute
	PortalSessionTTL = 30 * time.Minute
)

// PortalLink is an Admin Portal link: which organization, for what.
type PortalLink struct {
	Token      string
	OrgID      string
	Intent     string
	ReturnURL  string
	SuccessURL string
	CSRF       string
	ExpiresAt  time.Time // the link must be opened before this
	// OpenedAt is when the link was first opened (zero until then): the
	// page stays usable PortalSessionTTL after it.
	OpenedAt time.Time
}

// End is when the link stops working: its expiry, or the end of the
// session it opened.
func (p *PortalLink) End() time.Time {
	if p.OpenedAt.IsZero() {
		return p.ExpiresAt
	}
	return p.OpenedAt.Add(PortalSessionTTL)
}

// UsableAt reports whether the link (or the session it opened) works at now.
func (p *PortalLink) UsableAt(now time.Time) bool { return now.Before(p.End()) }

// PortalLink is the Admin Portal link with that token, or nil.
func (tx *Tx) PortalLink(token string) *PortalLink { return tx.w.sso.portal[token] }

// AddPortalLink registers an Admin Portal link until it expires.
func (tx *Tx) AddPortalLink(p *PortalLink) {
	tx.w.sso.portal[p.Token] = p
	tx.w.expireAt(p.ExpiresAt, evictSSO, "p"+p.Token)
}

// OpenPortalLink starts the session of a link the first time it is opened.
func (tx *Tx) OpenPortalLink(p *PortalLink) {
	if p.OpenedAt.IsZero() {
		p.OpenedAt = tx.now
		tx.w.expireAt(p.End(), evictSSO, "p"+p.Token)
	}
}
