package emulator

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// testKeyPool holds fixed RSA-2048 test keys, so tokens verify across
// restarts and rotation never generates a key at run time (about 60 ms and
// nondeterministic). The first key signs by default, RotateKey takes the next
// ones, and the last is never published: it signs "unknown key" bad tokens.
//
//go:embed testkeys/pool.pem
var testKeyPool []byte

// signingKey is a parsed key with its signer and public JWK.
type signingKey struct {
	kid    string
	priv   *rsa.PrivateKey
	signer jose.Signer
	// cert is a self-signed certificate of the key, for the JWKS's x5c
	// (WorkOS publishes one; the spec requires it). Made on first use: it
	// costs an RSA signature, which start-up need not pay.
	certOnce sync.Once
	cert     []byte
}

// certificate returns the key's self-signed certificate (DER). It is
// deterministic: fixed fields, and RSA PKCS#1 v1.5 signatures use no
// randomness.
func (k *signingKey) certificate() []byte {
	k.certOnce.Do(func() {
		sum := sha256.Sum256([]byte(k.kid))
		tpl := &x509.Certificate{
			SerialNumber:          new(big.Int).SetBytes(sum[:16]),
			Subject:               pkix.Name{CommonName: k.kid, Organization: []string{"authkit-emulator test key"}},
			NotBefore:             time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:              time.Date(2125, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		}
		der, err := x509.CreateCertificate(zeroReader{}, tpl, tpl, &k.priv.PublicKey, k.priv)
		if err == nil {
			k.cert = der
		}
	})
	return k.cert
}

// zeroReader stands in for randomness where none is used (RSA PKCS#1 v1.5).
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func newSigningKey(kid string, priv *rsa.PrivateKey) (*signingKey, error) {
	if priv.N.BitLen() < 2048 {
		return nil, fmt.Errorf("the key has %d bits; RS256 needs at least 2048", priv.N.BitLen())
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: string(jose.RS256)}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	return &signingKey{kid: kid, priv: priv, signer: signer}, nil
}

// parseKeyPEM reads an RSA private key in PKCS#8 or PKCS#1 PEM.
func parseKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T; RS256 needs an RSA key", k)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not an RSA private key in PKCS#8 or PKCS#1 form")
	}
	return k, nil
}

// poolEntry is one key of the embedded pool, parsed on first use.
type poolEntry struct {
	kid string
	der []byte
}

func embeddedPool() []poolEntry {
	var out []poolEntry
	rest := testKeyPool
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return out
		}
		out = append(out, poolEntry{kid: block.Headers["Kid"], der: block.Bytes})
	}
}

func (p poolEntry) parse() (*signingKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(p.der)
	if err != nil {
		return nil, err
	}
	return newSigningKey(p.kid, k.(*rsa.PrivateKey))
}

// keyRing is the signing state of a world: the key that signs, the keys that
// are published, and the keys rotation can still take. Fixture keys come
// first (the first signs, all are published); the embedded pool follows.
type keyRing struct {
	active    *signingKey
	published []*signingKey
	next      []func() (*signingKey, error)
	spare     *signingKey // never published: signs unknown-key tokens
	jwksOnce  sync.Once
	jwksBody  []byte // the JWKS of published, rendered on first request
}

// jwks is the rendered key set; a ring never changes after it is built
// (rotation builds a new one), so it is rendered once.
func (r *keyRing) jwks() []byte {
	r.jwksOnce.Do(r.render)
	return r.jwksBody
}

// newKeyRing builds the ring from the fixture's keys, or the embedded pool.
// Problems in a fixture key are reported in the fixture format.
func newKeyRing(set *fixtures.Set) (*keyRing, error) {
	pool := embeddedPool()
	r := &keyRing{}
	var problems fixtures.Problems
	for i, fk := range set.SigningKeys() {
		priv, err := parseKeyPEM([]byte(fk.PrivateKeyPEM))
		var k *signingKey
		if err == nil {
			kid := fk.KID
			if kid == "" {
				kid = derivedKID(priv)
			}
			k, err = newSigningKey(kid, priv)
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
		k, err := rotation[0].parse()
		if err != nil {
			return nil, err
		}
		r.active, r.published = k, []*signingKey{k}
		rotation = rotation[1:]
	} else if len(r.published) > 1 {
		// Fixture keys after the first are published and rotate in order.
		for _, k := range r.published[1:] {
			r.next = append(r.next, func() (*signingKey, error) { return k, nil })
		}
	}
	for _, p := range rotation {
		r.next = append(r.next, p.parse)
	}
	r.next = r.next[:len(r.next):len(r.next)] // rotations copy-on-write
	sk, err := spare.parse()
	if err != nil {
		return nil, err
	}
	r.spare = sk
	return r, nil
}

// derivedKID names a fixture key that pins no kid: stable for the key, in the
// WorkOS style, from the key's modulus.
func derivedKID(priv *rsa.PrivateKey) string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	n := new(big.Int).Set(priv.N)
	b := make([]byte, 26)
	for i := range b {
		b[i] = crockford[new(big.Int).Mod(n, big.NewInt(32)).Int64()]
		n.Rsh(n, 5)
	}
	b[0] = '0' // keep it a valid ULID (first character 0-7)
	return fixtures.PrefixKeyPair + string(b)
}

// rotate makes the next key sign; the previous one stays published.
func (r *keyRing) rotate() (*keyRing, error) {
	if len(r.next) == 0 {
		return nil, apiError(409, CodeConflict, "No signing key left to rotate to: list more keys in environment.signing_keys.")
	}
	k, err := r.next[0]()
	if err != nil {
		return nil, err
	}
	out := &keyRing{active: k, next: r.next[1:], spare: r.spare}
	out.published = append(out.published, r.published...)
	if !out.isPublished(k.kid) {
		out.published = append(out.published, k)
	}
	return out, nil
}

// retire unpublishes a key that no longer signs: tokens it signed stop
// verifying, and introspect inactive.
func (r *keyRing) retire(kid string) (*keyRing, error) {
	if kid == r.active.kid {
		return nil, apiError(409, CodeConflict, fmt.Sprintf("Key %s signs new tokens; rotate before retiring it.", kid))
	}
	if !r.isPublished(kid) {
		return nil, notFound("Signing key", kid)
	}
	out := &keyRing{active: r.active, next: r.next, spare: r.spare}
	for _, k := range r.published {
		if k.kid != kid {
			out.published = append(out.published, k)
		}
	}
	return out, nil
}

func (r *keyRing) isPublished(kid string) bool {
	for _, k := range r.published {
		if k.kid == kid {
			return true
		}
	}
	return false
}

// jwk is one JWKS entry, in the member order WorkOS serves.
type jwk struct {
	Alg     string   `json:"alg"`
	Kty     string   `json:"kty"`
	Use     string   `json:"use"`
	Kid     string   `json:"kid"`
	N       string   `json:"n"`
	E       string   `json:"e"`
	X5c     []string `json:"x5c"`
	X5tS256 string   `json:"x5t#S256"`
}

func (r *keyRing) render() {
	keys := make([]jwk, len(r.published))
	for i, k := range r.published {
		pub := k.priv.PublicKey
		cert := k.certificate()
		thumb := sha256.Sum256(cert)
		keys[i] = jwk{Alg: "RS256", Kty: "RSA", Use: "sig", Kid: k.kid,
			N:       base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E:       base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			X5c:     []string{base64.StdEncoding.EncodeToString(cert)},
			X5tS256: base64.RawURLEncoding.EncodeToString(thumb[:])}
	}
	r.jwksBody, _ = marshalNoEscape(struct {
		Keys []jwk `json:"keys"`
	}{keys})
}

// signSlots bounds concurrent RSA signatures to the number of CPUs: more
// signing goroutines than cores only queue inside the scheduler and stretch
// the tail latency of every mint.
func newSignSlots() chan struct{} { return make(chan struct{}, runtime.GOMAXPROCS(0)) }

// KeyInfo describes a published signing key.
type KeyInfo struct {
	KID     string `json:"kid"`
	Signing bool   `json:"signing"`
}

// Keys lists the published keys; the signing one is marked.
func (s *Server) Keys() []KeyInfo {
	w := s.world()
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]KeyInfo, len(w.keys.published))
	for i, k := range w.keys.published {
		out[i] = KeyInfo{KID: k.kid, Signing: k == w.keys.active}
	}
	return out
}

// RotateKey makes the next key (from environment.signing_keys, then the
// embedded pool) sign new tokens; the previous key stays in the JWKS, and
// its tokens stay valid, until RetireKey. It returns the new kid.
func (s *Server) RotateKey() (string, error) {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.keys.rotate()
	if err != nil {
		return "", err
	}
	w.keys = r
	return r.active.kid, nil
}

// RetireKey removes a key that no longer signs from the JWKS; the tokens it
// signed introspect inactive from then on.
func (s *Server) RetireKey(kid string) error {
	w := s.world()
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.keys.retire(kid)
	if err != nil {
		return err
	}
	w.keys = r
	return nil
}
