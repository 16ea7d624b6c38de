package store

// Listings of whole collections that the API reaches only through an
// owner (a user's sessions, an organization's memberships): the inspector
// shows them all. Each is a fresh slice in creation order, O(n log n).

// Sessions lists every session (both families), in creation order.
func (tx *Tx) Sessions() []*Session { return sortedValues(tx.w.sessions) }

// Memberships lists every organization membership, in creation order.
func (tx *Tx) Memberships() []*Membership { return sortedValues(tx.w.memberships) }

// Roles lists the environment's roles and every organization's own roles,
// in creation order.
func (tx *Tx) Roles() []*Role {
	out := make([]*Role, 0, len(tx.w.roles))
	for _, r := range tx.w.roles {
		out = append(out, r)
	}
	for _, own := range tx.w.orgRoles {
		for _, r := range own {
			out = append(out, r)
		}
	}
	SortBySeq(out)
	return out
}

func sortedValues[T Listed](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	SortBySeq(out)
	return out
}
