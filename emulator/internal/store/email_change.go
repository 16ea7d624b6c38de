package store

// KindEmailChange is the outbox kind of an e-mail change code: it goes to
// the new address, whose owner proves it by confirming the code.
const KindEmailChange = "email_change"

// PrefixEmailChange starts the ids of e-mail change codes.
const PrefixEmailChange = "email_change_"

// SendEmailChange e-mails a code to the address a user wants to move to.
// The newest code is the one confirm checks: sending again supersedes the
// earlier ones.
func (tx *Tx) SendEmailChange(u *User, newEmail string) *OutboxEntry {
	e := &OutboxEntry{ID: tx.NewID(PrefixEmailChange), Kind: KindEmailChange, UserID: u.ID, Email: newEmail,
		Code: tx.Digits(6), CreatedAt: tx.now, ExpiresAt: tx.now.Add(CodeTTL)}
	tx.Send(e)
	return e
}

// LatestOutboxOf is the newest entry of a kind sent on behalf of a user, or
// nil. The outbox holds only unexpired entries (and those in their grace
// period), so the scan is short.
func (tx *Tx) LatestOutboxOf(kind, userID string) *OutboxEntry {
	es := tx.w.outbox.entries
	for i := len(es) - 1; i >= 0; i-- {
		if e := es[i]; e.Kind == kind && e.UserID == userID && !e.evicted {
			return e
		}
	}
	return nil
}
