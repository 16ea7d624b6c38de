package keys

import (
	"errors"
	"sync"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Errors of Rotate and Retire, for the caller to answer in its own shape.
var (
	// ErrNoKeyLeft: every key of the fixtures and the pool has signed.
	ErrNoKeyLeft = errors.New("no signing key left to rotate to: list more keys in environment.signing_keys")
	// ErrSigningKey: the key to retire is the one that signs.
	ErrSigningKey = errors.New("the key signs new tokens; rotate before retiring it")
	// ErrUnknownKey: no published key has that kid.
	ErrUnknownKey = errors.New("no published key has that kid")
)

// Ring is the signing state of an environment: the key that signs, the keys
// that are published, and the keys rotation can still take. Fixture keys
// come first (the first signs, all are published); the embedded pool
// follows. A Ring never changes after it is built: Rotate and Retire return
// new rings, so its JWKS is rendered once.
type Ring struct {
	active    *Key
	published []*Key
	next      []func() (*Key, error)
	spare     *Key // never published: signs unknown-key tokens
	jwksOnce  sync.Once
	jwksBody  []byte
}

// NewRing builds the ring from the fixture's keys, or the embedded pool.
// Problems in a fixture key are reported in the fixture format. Building a
// ring parses the keys once; resets reuse it.
func NewRing(set *fixtures.Set) (*Ring, error) {
	slots := newSignSlots()
	pool := embeddedPool()
	r := &Ring{}
	var problems fixtures.Problems
	for i, fk := range set.SigningKeys() {
		priv, err := parsePEM([]byte(fk.PrivateKeyPEM))
		var k *Key
		if err == nil {
			kid := fk.KID
			if kid == "" {
				kid = derivedKID(priv)
			}
			k, err = newKey(kid, priv, slots)
		}
		if err != nil {
			key := "private_key_pem"
			if fk.PrivateKeyFile != "" {
				key = "private_key_file"
			}
			problems = append(problems, fixtures.Problem{File: fk.File, Line: fk.KeyLine(key), Path: fk.Path + "." + key, Message: "cannot use the key: " + err.Error()})
			continue
		}
		if i == 0 {
			r.active = k
		}
		r.published = append(r.published, k)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	spare := pool[len(pool)-1]
	rotation := pool[:len(pool)-1]
	if r.active == nil {
		k, err := rotation[0].parse(slots)
		if err != nil {
			return nil, err
		}
		r.active, r.published = k, []*Key{k}
		rotation = rotation[1:]
	} else if len(r.published) > 1 {
		// Fixture keys after the first are published and rotate in order.
		for _, k := range r.published[1:] {
			r.next = append(r.next, func() (*Key, error) { return k, nil })
		}
	}
	for _, p := range rotation {
		r.next = append(r.next, func() (*Key, error) { return p.parse(slots) })
	}
	r.next = r.next[:len(r.next):len(r.next)] // rotations copy-on-write
	sk, err := spare.parse(slots)
	if err != nil {
		return nil, err
	}
	r.spare = sk
	return r, nil
}

// Active is the key that signs new tokens.
func (r *Ring) Active() *Key { return r.active }

// Spare is a key that is never published: tokens it signs verify nowhere.
func (r *Ring) Spare() *Key { return r.spare }

// Published lists the keys in the JWKS, in publication order.
func (r *Ring) Published() []*Key { return r.published }

// IsPublished reports whether a key of that kid is in the JWKS: tokens of
// retired keys introspect inactive.
func (r *Ring) IsPublished(kid string) bool {
	for _, k := range r.published {
		if k.KID == kid {
			return true
		}
	}
	return false
}

// JWKS is the rendered key set of the published keys.
func (r *Ring) JWKS() []byte {
	r.jwksOnce.Do(func() { r.jwksBody = renderJWKS(r.published) })
	return r.jwksBody
}

// Rotate makes the next key sign; the previous one stays published.
func (r *Ring) Rotate() (*Ring, error) {
	if len(r.next) == 0 {
		return nil, ErrNoKeyLeft
	}
	k, err := r.next[0]()
	if err != nil {
		return nil, err
	}
	out := &Ring{active: k, next: r.next[1:], spare: r.spare}
	out.published = append(out.published, r.published...)
	if !out.IsPublished(k.KID) {
		out.published = append(out.published, k)
	}
	return out, nil
}

// Retire unpublishes a key that no longer signs: tokens it signed stop
// verifying, and introspect inactive.
func (r *Ring) Retire(kid string) (*Ring, error) {
	if kid == r.active.KID {
		return nil, ErrSigningKey
	}
	if !r.IsPublished(kid) {
		return nil, ErrUnknownKey
	}
	out := &Ring{active: r.active, next: r.next, spare: r.spare}
	for _, k := range r.published {
		if k.KID != kid {
			out.published = append(out.published, k)
		}
	}
	return out, nil
}
