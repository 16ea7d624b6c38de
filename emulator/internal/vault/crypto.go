package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// The encrypted_keys blob: what POST /vault/v1/keys/data-key hands out and
// /keys/decrypt and /keys/rekey take back (the SDK embeds it in what its
// encrypt helper produces). It is opaque to clients; the emulator's layout:
//
//	"EMU.EKM.v1\x00"
//	uvarint length, data key id (a UUID)
//	uvarint length, key context (store.KeyContext's canonical form)
//	12-byte nonce
//	the data key sealed with AES-256-GCM under the context's key (48 bytes)
//
// Everything before the nonce is the seal's additional data, so a blob
// whose id or context was changed does not open.

const (
	blobMagic   = "EMU.EKM.v1\x00"
	dataKeySize = 32
	nonceSize   = 12
	sealedSize  = dataKeySize + 16
	// maxBlobBytes bounds a blob: ten context entries of 500-byte values
	// and their keys fit many times over.
	maxBlobBytes = 64 << 10
)

// keyBlob is a parsed encrypted_keys blob.
type keyBlob struct {
	DataKeyID string
	Context   map[string]string
	Nonce     []byte
	Sealed    []byte
	// aad is the blob's header, the seal's additional data.
	aad []byte
}

// encodeBlob lays a sealed data key out as an encrypted_keys blob.
func encodeBlob(dataKeyID string, ctx map[string]string, nonce, sealed []byte) []byte {
	canon := store.KeyContext(ctx)
	b := make([]byte, 0, len(blobMagic)+len(dataKeyID)+len(canon)+nonceSize+sealedSize+8)
	b = append(b, blobMagic...)
	b = binary.AppendUvarint(b, uint64(len(dataKeyID)))
	b = append(b, dataKeyID...)
	b = binary.AppendUvarint(b, uint64(len(canon)))
	b = append(b, canon...)
	b = append(b, nonce...)
	return append(b, sealed...)
}

// errBlob is every malformed blob: what is wrong with it is not the
// client's business (nor useful to it).
var errBlob = errors.New("the encrypted keys are not a data key this environment issued")

// parseBlob reads an encrypted_keys blob. It checks the layout only;
// opening the seal checks the rest.
func parseBlob(b []byte) (*keyBlob, error) {
	if len(b) > maxBlobBytes || !bytes.HasPrefix(b, []byte(blobMagic)) {
		return nil, errBlob
	}
	rest := b[len(blobMagic):]
	field := func() ([]byte, bool) {
		n, k := uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return nil, false
		}
		v := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		return v, true
	}
	id, ok := field()
	if !ok || !fixtures.IsUUID(string(id)) {
		return nil, errBlob
	}
	canon, ok := field()
	if !ok {
		return nil, errBlob
	}
	ctx, err := decodeKeyContext(canon)
	if err != nil || len(rest) != nonceSize+sealedSize {
		return nil, errBlob
	}
	header := b[:len(b)-len(rest)]
	return &keyBlob{DataKeyID: string(id), Context: ctx, Nonce: rest[:nonceSize], Sealed: rest[nonceSize:],
		aad: header}, nil
}

// decodeKeyContext reads a canonical key context (store.KeyContext): keys
// strictly increasing, within the spec's bounds, nothing left over.
func decodeKeyContext(canon []byte) (map[string]string, error) {
	ctx := map[string]string{}
	prev, first := "", true
	for len(canon) > 0 {
		var kv [2]string
		for i := range kv {
			n, k := uvarint(canon)
			if k <= 0 || n > uint64(len(canon)-k) {
				return nil, errBlob
			}
			kv[i] = string(canon[k : k+int(n)])
			canon = canon[k+int(n):]
		}
		if (!first && kv[0] <= prev) || len(ctx) == fixtures.MaxKeyContextEntries {
			return nil, errBlob
		}
		ctx[kv[0]], prev, first = kv[1], kv[0], false
	}
	if fixtures.CheckKeyContext(ctx) != "" {
		return nil, errBlob
	}
	return ctx, nil
}

// uvarint reads a length as binary.Uvarint does, refusing the overlong
// encodings it accepts: a blob has one encoding.
func uvarint(b []byte) (uint64, int) {
	n, k := binary.Uvarint(b)
	if k > 0 && k != len(binary.AppendUvarint(nil, n)) {
		return 0, -1
	}
	return n, k
}

func gcm(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("vault: " + err.Error()) // keys are always 32 bytes
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("vault: " + err.Error())
	}
	return aead
}

// sealDataKey encrypts a data key under a context's key encryption key and
// returns the blob.
func sealDataKey(kek []byte, dataKeyID string, ctx map[string]string, dataKey, nonce []byte) []byte {
	header := encodeBlob(dataKeyID, ctx, nil, nil)
	sealed := gcm(kek).Seal(nil, nonce, dataKey, header)
	return encodeBlob(dataKeyID, ctx, nonce, sealed)
}

// openDataKey decrypts a blob's data key with the key encryption key of
// the blob's context.
func openDataKey(kek []byte, blob *keyBlob) ([]byte, error) {
	key, err := gcm(kek).Open(nil, blob.Nonce, blob.Sealed, blob.aad)
	if err != nil {
		return nil, errBlob
	}
	return key, nil
}

// decodeBase64 reads base64 as the SDKs write it (standard, padded), and
// tolerates the URL-safe and unpadded variants.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errBlob
}

// parseKeyContext reads a key context from a request body member: a JSON
// object of at most ten strings of up to 500 characters. The message says
// what is wrong.
func parseKeyContext(raw json.RawMessage) (map[string]string, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, "must be an object of strings"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, "must be an object of strings"
	}
	ctx := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, fmt.Sprintf("%s: values must be strings", k)
		}
		ctx[k] = s
	}
	if msg := fixtures.CheckKeyContext(ctx); msg != "" {
		return nil, msg
	}
	return ctx, ""
}
