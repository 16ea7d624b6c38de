package vault

import (
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// readContext reads the required key context member k of a body.
func readContext(b *web.Body, k string) (map[string]string, error) {
	if !b.Given(k) {
		return nil, unprocessable(k + " is required.")
	}
	ctx, msg := parseKeyContext(b.Raw(k))
	if msg != "" {
		return nil, unprocessable(k + " " + web.Printable(msg) + ".")
	}
	return ctx, nil
}

// readBlob reads and parses the encrypted keys of member k.
func readBlob(b *web.Body, k string) (*keyBlob, error) {
	s := b.Str(k)
	if err := b.Err(); err != nil || s == "" {
		return nil, badRequest(k + " is required: the base64 encrypted_keys of a data key.")
	}
	raw, err := decodeBase64(s)
	if err != nil {
		return nil, badRequest(k + " is not base64.")
	}
	blob, err := parseBlob(raw)
	if err != nil {
		return nil, badRequest("Unable to decrypt: " + err.Error() + ".")
	}
	return blob, nil
}

// issueDataKey seals a data key under ctx (a new key encryption key is
// announced) and renders the spec's CreateDataKeyResponse.
func issueDataKey(tx *store.Tx, who store.VaultActor, id string, dataKey []byte, ctx map[string]string) wire.Object {
	kekID, kek := tx.VaultKEK(ctx)
	if tx.UseVaultKEK(ctx) {
		tx.Emit("vault.kek.created", "", store.VaultEvent(who, "key_name", store.KeyName(ctx), "key_id", kekID))
	}
	nonce := make([]byte, nonceSize)
	tx.RandomBytes(nonce)
	blob := sealDataKey(kek, id, ctx, dataKey, nonce)
	tx.Emit("vault.dek.read", "", store.VaultEvent(who, "key_ids", []string{kekID}, "key_context", ctx))
	return wire.Object{{"id", id}, {"data_key", base64.StdEncoding.EncodeToString(dataKey)},
		{"encrypted_keys", base64.StdEncoding.EncodeToString(blob)}, {"context", ctx}}
}

// openBlob decrypts a blob's data key, announcing the decryption.
func openBlob(tx *store.Tx, who store.VaultActor, blob *keyBlob) ([]byte, error) {
	kekID, kek := tx.VaultKEK(blob.Context)
	dataKey, err := openDataKey(kek, blob)
	if err != nil {
		return nil, badRequest("Unable to decrypt: " + err.Error() + ".")
	}
	tx.Emit("vault.dek.decrypted", "", store.VaultEvent(who, "key_id", kekID))
	return dataKey, nil
}

// createDataKey serves POST /vault/v1/keys/data-key: a new AES-256 key for
// local encryption, with its copy sealed under the context's key.
func (a *api) createDataKey(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	ctx, err := readContext(&b, "context")
	if err != nil {
		return err
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		dataKey := make([]byte, dataKeySize)
		tx.RandomBytes(dataKey)
		return issueDataKey(tx, who, tx.UUID(), dataKey, ctx), nil
	})
}

// decryptDataKey serves POST /vault/v1/keys/decrypt: the data key an
// encrypted_keys blob holds.
func (a *api) decryptDataKey(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	blob, err := readBlob(&b, "keys")
	if err != nil {
		return err
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		dataKey, err := openBlob(tx, who, blob)
		if err != nil {
			return nil, err
		}
		return wire.Object{{"id", blob.DataKeyID}, {"data_key", base64.StdEncoding.EncodeToString(dataKey)}}, nil
	})
}

// rekey serves POST /vault/v1/keys/rekey: the same data key (same id),
// sealed again under another key context.
func (a *api) rekey(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	blob, err := readBlob(&b, "encrypted_keys")
	if err != nil {
		return err
	}
	ctx, err := readContext(&b, "context")
	if err != nil {
		return err
	}
	who := actor(c)
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		dataKey, err := openBlob(tx, who, blob)
		if err != nil {
			return nil, err
		}
		return issueDataKey(tx, who, blob.DataKeyID, dataKey, ctx), nil
	})
}
