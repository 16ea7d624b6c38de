package vault_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// sdkEncrypt is what @workos-inc/node's vault.encrypt does with a data
// key: AES-256-GCM under it, laid out as iv (12) | tag (16) | LEB128
// length of the encrypted keys | encrypted keys | ciphertext, in base64.
func sdkEncrypt(t *testing.T, dataKey, encryptedKeys []byte, plaintext, aad string) string {
	t.Helper()
	block, err := aes.NewCipher(dataKey)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	iv := bytes.Repeat([]byte{7}, 12)
	sealed := aead.Seal(nil, iv, []byte(plaintext), []byte(aad))
	ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
	out := append(append([]byte{}, iv...), tag...)
	out = binary.AppendUvarint(out, uint64(len(encryptedKeys))) // LEB128 is the uvarint encoding
	out = append(append(out, encryptedKeys...), ct...)
	return base64.StdEncoding.EncodeToString(out)
}

// sdkDecrypt is vault.decrypt: it splits the payload, asks the emulator
// for the data key, and opens the ciphertext locally.
func sdkDecrypt(t *testing.T, srv *emutest.Server, payload, aad string) (string, error) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	iv, tag := raw[:12], raw[12:28]
	n, k := binary.Uvarint(raw[28:])
	keys := raw[28+k : 28+k+int(n)]
	ct := raw[28+k+int(n):]
	r := srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": base64.StdEncoding.EncodeToString(keys)})
	if r.Status != http.StatusOK {
		return "", errors.New(string(r.Body))
	}
	dataKey, err := base64.StdEncoding.DecodeString(r.JSON(t)["data_key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(dataKey)
	aead, _ := cipher.NewGCM(block)
	pt, err := aead.Open(nil, iv, append(append([]byte{}, ct...), tag...), []byte(aad))
	return string(pt), err
}

func dataKey(t *testing.T, srv *emutest.Server, ctx map[string]any) (id string, key, blob []byte) {
	t.Helper()
	m := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/keys/data-key", map[string]any{"context": ctx}), 200)
	key, err := base64.StdEncoding.DecodeString(m["data_key"].(string))
	if err != nil || len(key) != 32 {
		t.Fatalf("data_key: %v (%v)", m, err)
	}
	blob, err = base64.StdEncoding.DecodeString(m["encrypted_keys"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if m["context"].(map[string]any)["organization_id"] != ctx["organization_id"] {
		t.Fatalf("context: %v", m)
	}
	return m["id"].(string), key, blob
}

// TestDataKeyRoundTrip: a data key encrypts locally the way the Node SDK
// does, and the payload decrypts through /keys/decrypt, which hands back
// the same key (and id); associated data must match; a tampered or
// foreign blob is a 400.
func TestDataKeyRoundTrip(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	ctx := map[string]any{"organization_id": emutest.AcmeID}
	id, key, blob := dataKey(t, srv, ctx)
	payload := sdkEncrypt(t, key, blob, "4242 4242 4242 4242", "user_1")
	if pt, err := sdkDecrypt(t, srv, payload, "user_1"); err != nil || pt != "4242 4242 4242 4242" {
		t.Fatalf("decrypt: %q %v", pt, err)
	}
	if _, err := sdkDecrypt(t, srv, payload, "user_2"); err == nil {
		t.Fatal("wrong associated data decrypted")
	}
	got := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": base64.StdEncoding.EncodeToString(blob)}), 200)
	if got["id"] != id || got["data_key"] != base64.StdEncoding.EncodeToString(key) {
		t.Fatalf("decrypt: %v", got)
	}
	for i := range blob { // every byte of the blob matters
		bad := slices.Clone(blob)
		bad[i] ^= 0x01
		wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": base64.StdEncoding.EncodeToString(bad)}), 400)
	}
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": "not base64!"}), 400)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{}), 400)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/data-key", map[string]any{}), 422)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/data-key", map[string]any{"context": map[string]any{
		"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9", "j": "10", "k": "11"}}), 422)

	// Another seed derives other keys: the blob does not open there.
	other := emutest.New(t, emulator.Config{Clock: emutest.T0, Fixtures: emutest.Parse(t, "environment: {client_id: "+emutest.EnvClientID+", seed: 2}")})
	wantVaultError(t, other.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": base64.StdEncoding.EncodeToString(blob)}), 400)
	// A reset keeps the seed: the blob still opens.
	if err := srv.Reset(true); err != nil {
		t.Fatal(err)
	}
	if pt, err := sdkDecrypt(t, srv, payload, "user_1"); err != nil || pt != "4242 4242 4242 4242" {
		t.Fatalf("after reset: %q %v", pt, err)
	}
}

// TestRekey: rekeying seals the same data key (same id) under a new
// context; both blobs open to it, and the events say what happened.
func TestRekey(t *testing.T) {
	t.Parallel()
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	id, key, blob := dataKey(t, srv, map[string]any{"organization_id": "org_a"})
	re := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/keys/rekey", map[string]any{
		"encrypted_keys": base64.StdEncoding.EncodeToString(blob), "context": map[string]any{"organization_id": "org_b"}}), 200)
	if re["id"] != id || re["data_key"] != base64.StdEncoding.EncodeToString(key) || re["encrypted_keys"] == base64.StdEncoding.EncodeToString(blob) ||
		re["context"].(map[string]any)["organization_id"] != "org_b" {
		t.Fatalf("rekey: %v", re)
	}
	for _, b := range []any{base64.StdEncoding.EncodeToString(blob), re["encrypted_keys"]} {
		if got := emutest.WantJSON(t, srv.API(t, http.MethodPost, "/vault/v1/keys/decrypt", map[string]any{"keys": b}), 200); got["id"] != id {
			t.Fatalf("decrypt: %v", got)
		}
	}
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/rekey", map[string]any{"encrypted_keys": "AAAA", "context": map[string]any{}}), 400)
	wantVaultError(t, srv.API(t, http.MethodPost, "/vault/v1/keys/rekey", map[string]any{"encrypted_keys": base64.StdEncoding.EncodeToString(blob)}), 422)
	want := []string{"vault.kek.created", "vault.dek.read", "vault.dek.decrypted", "vault.kek.created", "vault.dek.read", "vault.dek.decrypted", "vault.dek.decrypted"}
	if got := eventTypes(t, srv); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
}

// TestDeterministic: the same seed, clock and requests give the same data
// keys, blobs and object ids, byte for byte.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	run := func() []string {
		srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
		var out []string
		out = append(out, string(srv.API(t, http.MethodPost, "/vault/v1/keys/data-key", map[string]any{"context": map[string]any{"k": "v"}}).Body))
		out = append(out, string(srv.API(t, http.MethodPost, "/vault/v1/kv", map[string]any{"name": "n", "value": "v", "key_context": map[string]any{"k": "v"}}).Body))
		return out
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("two runs differ:\n%v\n%v", a, b)
	}
}
