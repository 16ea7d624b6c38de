// Package keys holds an environment's RSA signing keys: the fixture's keys
// and the embedded test-key pool, parsed once, with their self-signed
// certificates and the rendered JWKS. A Ring is an immutable view of which
// key signs and which are published; rotation and retirement make new
// rings, so a Ring can be read without a lock and the store swaps rings as
// world state. The package does no HTTP and keeps no state of its own.
package keys

import (
	"context"
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

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// testKeyPool holds fixed RSA-2048 test keys, so tokens verify across
// restarts and rotation never generates a key at run time (about 60 ms and
// nondeterministic). The first key signs by default, rotation takes the next
// ones, and the last is never published: it signs "unknown key" bad tokens.
//
//go:embed testkeys/pool.pem
var testKeyPool []byte

// Key is a parsed RSA key with its signer.
type Key struct {
	KID    string
	priv   *rsa.PrivateKey
	signer jose.Signer
	slots  chan struct{}
	// cert is a self-signed certificate of the key, for the JWKS's x5c
	// (WorkOS publishes one; the spec requires it). Made on first use: it
	// costs an RSA signature, which start-up need not pay.
	certOnce sync.Once
	cert     []byte
}

// Sign signs a JWT payload (RS256, typ JWT) and returns the compact token.
// RS256 (PKCS#1 v1.5) is deterministic: the same payload and key give the
// same token, byte for byte. Concurrent signatures are bounded by the
// number of CPUs: more signing goroutines than cores only queue inside the
// scheduler and stretch the tail latency of every mint.
func (k *Key) Sign(ctx context.Context, payload []byte) (string, error) {
	select {
	case k.slots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	jws, err := k.signer.Sign(payload)
	<-k.slots
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// certificate returns the key's self-signed certificate (DER). It is
// deterministic: fixed fields, and RSA PKCS#1 v1.5 signatures use no
// randomness.
func (k *Key) certificate() []byte {
	k.certOnce.Do(func() {
		sum := sha256.Sum256([]byte(k.KID))
		tpl := &x509.Certificate{
			SerialNumber:          new(big.Int).SetBytes(sum[:16]),
			Subject:               pkix.Name{CommonName: k.KID, Organization: []string{"authkit-emulator test key"}},
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

func newKey(kid string, priv *rsa.PrivateKey, slots chan struct{}) (*Key, error) {
	if priv.N.BitLen() < 2048 {
		return nil, fmt.Errorf("the key has %d bits; RS256 needs at least 2048", priv.N.BitLen())
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: string(jose.RS256)}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	return &Key{KID: kid, priv: priv, signer: signer, slots: slots}, nil
}

// parsePEM reads an RSA private key in PKCS#8 or PKCS#1 PEM.
func parsePEM(data []byte) (*rsa.PrivateKey, error) {
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

func (p poolEntry) parse(slots chan struct{}) (*Key, error) {
	k, err := x509.ParsePKCS8PrivateKey(p.der)
	if err != nil {
		return nil, err
	}
	return newKey(p.kid, k.(*rsa.PrivateKey), slots)
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

func renderJWKS(published []*Key) []byte {
	keys := make([]jwk, len(published))
	for i, k := range published {
		pub := k.priv.PublicKey
		cert := k.certificate()
		thumb := sha256.Sum256(cert)
		keys[i] = jwk{Alg: "RS256", Kty: "RSA", Use: "sig", Kid: k.KID,
			N:       base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E:       base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			X5c:     []string{base64.StdEncoding.EncodeToString(cert)},
			X5tS256: base64.RawURLEncoding.EncodeToString(thumb[:])}
	}
	body, _ := wire.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{keys})
	return body
}

// newSignSlots bounds concurrent RSA signatures to the number of CPUs.
func newSignSlots() chan struct{} { return make(chan struct{}, runtime.GOMAXPROCS(0)) }
