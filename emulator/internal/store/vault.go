package store

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// WorkOS Vault: key-value objects encrypted under keys chosen by a key
// context, and data keys for local encryption. The keys derive from the
// environment's seed, so the same fixtures and requests give the same
// ciphertexts; the emulator's keys protect nothing (anyone with the seed
// has them): they exist so that what Vault encrypts really decrypts, and
// only with the right key.

// VaultActor is who performed a Vault operation: the API key of the
// request, or the fixtures.
type VaultActor struct {
	ID, Name string
	// Source is api or dashboard (the events' actor_source).
	Source string
}

// FixtureActor is the actor of objects the fixtures put in the vault.
var FixtureActor = VaultActor{ID: "fixtures", Name: "authkit-emulator fixtures", Source: "dashboard"}

// VaultVersion is one value an object has had.
type VaultVersion struct {
	ID        string
	CreatedAt time.Time
	Value     string
	// ETag is the MD5 of the value, in hex (the spec's example is the MD5
	// of the empty string).
	ETag string
}

// VaultObject is a key-value object. Its name is an index key: objects are
// renamed only by deletion.
type VaultObject struct {
	Seq  uint64
	ID   string
	Name string
	// Context is the key context it was created with; KeyID names the key
	// encryption key that context selects.
	Context map[string]string
	KeyID   string
	// Versions are oldest first; the last is the current value.
	Versions  []*VaultVersion
	UpdatedAt time.Time
	UpdatedBy VaultActor
}

// ListKey orders objects by creation.
func (o *VaultObject) ListKey() (uint64, string) { return o.Seq, o.ID }

// Current is the object's current version.
func (o *VaultObject) Current() *VaultVersion { return o.Versions[len(o.Versions)-1] }

// vaultState is the world's vault: objects by id and name, and the key
// encryption keys used so far (each is "created" the first time a context
// needs it).
type vaultState struct {
	byID   map[string]*VaultObject
	byName map[string]*VaultObject
	order  []*VaultObject
	keks   map[string]bool // canonical context
}

func newVaultState() vaultState {
	return vaultState{byID: map[string]*VaultObject{}, byName: map[string]*VaultObject{}, keks: map[string]bool{}}
}

// VaultObject is the object with that id, or nil.
func (tx *Tx) VaultObject(id string) *VaultObject { return tx.w.vault.byID[strings.ToLower(id)] }

// VaultObjectByName is the object with that name, or nil.
func (tx *Tx) VaultObjectByName(name string) *VaultObject { return tx.w.vault.byName[name] }

// VaultObjects lists the objects in creation order. The slice is the
// index: do not change it.
func (tx *Tx) VaultObjects() []*VaultObject { return tx.w.vault.order }

// AddVaultObject indexes a new object.
func (tx *Tx) AddVaultObject(o *VaultObject) {
	v := &tx.w.vault
	o.Seq = tx.w.nextSeq(o.ID)
	v.byID[o.ID], v.byName[o.Name] = o, o
	v.order = append(v.order, o)
}

// DeleteVaultObject removes an object and its versions.
func (tx *Tx) DeleteVaultObject(o *VaultObject) {
	v := &tx.w.vault
	delete(v.byID, o.ID)
	delete(v.byName, o.Name)
	v.order = without1(v.order, o)
	tx.w.forgetSeq(o.ID, tx.now)
}

// NewVaultVersion is a version holding value, created now.
func (tx *Tx) NewVaultVersion(value string) *VaultVersion {
	sum := md5.Sum([]byte(value))
	return &VaultVersion{ID: tx.UUID(), CreatedAt: tx.now, Value: value, ETag: hex.EncodeToString(sum[:])}
}

// UUID is a new version-4-shaped UUID from the seeded source (Vault's ids).
func (tx *Tx) UUID() string { return tx.st.ids.uuid() }

// RandomBytes fills b from the seeded source (data keys, nonces).
func (tx *Tx) RandomBytes(b []byte) {
	e := tx.st.ids
	e.mu.Lock()
	_, _ = e.r.Read(b)
	e.mu.Unlock()
}

// KeyContext is a key context in its canonical form: its entries sorted
// by key, each key and value length-prefixed, so two contexts encode alike
// exactly when they are equal.
func KeyContext(ctx map[string]string) []byte {
	var b []byte
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(ctx[k])))
		b = append(b, ctx[k]...)
	}
	return b
}

// vaultRoot is the environment's root key, from its seed.
func (tx *Tx) vaultRoot() []byte {
	var seed [8]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(tx.st.seed))
	root, err := hkdf.Key(sha256.New, seed[:], []byte("authkit-emulator vault"), "root", 32)
	if err != nil {
		panic("store: vault root key: " + err.Error()) // 32 bytes of SHA-256 HKDF cannot fail
	}
	return root
}

// VaultKEK is the key encryption key a key context selects: its id (a
// UUID) and its 32 bytes, derived from the seed and the canonical context,
// so a data key sealed before a reset still opens after it.
func (tx *Tx) VaultKEK(ctx map[string]string) (id string, key []byte) {
	canon := KeyContext(ctx)
	root := tx.vaultRoot()
	key, err := hkdf.Key(sha256.New, root, nil, "kek\x00"+string(canon), 32)
	if err != nil {
		panic("store: vault key: " + err.Error())
	}
	mac := hmac.New(sha256.New, root)
	mac.Write([]byte("kek-id\x00"))
	mac.Write(canon)
	return uuidOf(mac.Sum(nil)), key
}

// UseVaultKEK records that a key context's key encryption key protects
// something, and reports whether that is its first use (WorkOS creates the
// key then: vault.kek.created).
func (tx *Tx) UseVaultKEK(ctx map[string]string) (created bool) {
	canon := string(KeyContext(ctx))
	if tx.w.vault.keks[canon] {
		return false
	}
	tx.w.vault.keks[canon] = true
	return true
}

// KeyName names the key encryption key of a context in events: its
// entries as key=value, sorted, comma-separated.
func KeyName(ctx map[string]string) string {
	parts := make([]string, 0, len(ctx))
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		parts = append(parts, k+"="+ctx[k])
	}
	return strings.Join(parts, ",")
}

// uuidOf shapes 16 bytes of b as a version-4 UUID.
func uuidOf(b []byte) string {
	var u [16]byte
	copy(u[:], b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// seedVaultObjects adds a fixture's vault objects. Added at run time, each
// emits vault.data.created (and vault.kek.created for a new context); at
// load the events are not committed.
func (tx *Tx) seedVaultObjects(list []fixtures.VaultObject) error {
	for i := range list {
		f := &list[i]
		if tx.VaultObject(f.ID) != nil {
			return fmt.Errorf("vault object %s already exists", f.ID)
		}
		if tx.VaultObjectByName(f.Name) != nil {
			return fmt.Errorf("a vault object named %q already exists", f.Name)
		}
		ctx := maps.Clone(map[string]string(f.KeyContext))
		if ctx == nil {
			ctx = map[string]string{}
		}
		kekID, _ := tx.VaultKEK(ctx)
		created := tx.UseVaultKEK(ctx)
		o := &VaultObject{ID: strings.ToLower(f.ID), Name: f.Name, Context: ctx, KeyID: kekID, UpdatedAt: tx.now, UpdatedBy: FixtureActor}
		if len(f.Versions) == 0 {
			o.Versions = []*VaultVersion{tx.NewVaultVersion(f.Value)}
		}
		for _, fv := range f.Versions {
			sum := md5.Sum([]byte(fv.Value))
			v := &VaultVersion{ID: strings.ToLower(fv.ID), CreatedAt: at(fv.CreatedAt, tx.now), Value: fv.Value, ETag: hex.EncodeToString(sum[:])}
			o.Versions = append(o.Versions, v)
			o.UpdatedAt = v.CreatedAt
		}
		o.UpdatedAt = at(f.UpdatedAt, o.UpdatedAt)
		if a := f.UpdatedBy; a != nil {
			o.UpdatedBy = VaultActor{ID: a.ID, Name: a.Name, Source: a.Source}
		}
		tx.AddVaultObject(o)
		if created {
			tx.Emit("vault.kek.created", "", VaultEvent(FixtureActor, "key_name", KeyName(ctx), "key_id", kekID))
		}
		tx.Emit("vault.data.created", "", VaultEvent(FixtureActor, "kv_name", o.Name, "key_id", kekID, "key_context", ctx))
	}
	return nil
}

// VaultEvent is the data of a vault.* event: the actor, then the members
// given as key, value pairs.
func VaultEvent(a VaultActor, kv ...any) wire.Object {
	o := wire.Object{{"actor_id", a.ID}, {"actor_source", a.Source}, {"actor_name", a.Name}}
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, wire.KV{kv[i].(string), kv[i+1]})
	}
	return o
}

// StableULID is a ULID that depends only on key: the ids of things the
// emulator names but does not store (an API key as a Vault actor, the
// environment).
func StableULID(key string) string {
	return deriveULID(key, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
}

// snapshotVaultObjects writes the objects in creation order with every
// version (values in clear: the fixtures hold them so) and who changed
// them last. Which key contexts data keys have used is not written.
func snapshotVaultObjects(tx *Tx, set *fixtures.Set) {
	for _, o := range tx.w.vault.order {
		fo := fixtures.VaultObject{ID: o.ID, Name: o.Name, KeyContext: fixtures.Metadata(maps.Clone(o.Context)), UpdatedAt: stamp(o.UpdatedAt)}
		if len(fo.KeyContext) == 0 {
			fo.KeyContext = nil
		}
		for _, v := range o.Versions {
			fo.Versions = append(fo.Versions, fixtures.VaultVersion{ID: v.ID, Value: v.Value, CreatedAt: stamp(v.CreatedAt)})
		}
		if o.UpdatedBy != FixtureActor {
			fo.UpdatedBy = &fixtures.VaultActor{ID: o.UpdatedBy.ID, Name: o.UpdatedBy.Name, Source: o.UpdatedBy.Source}
		}
		set.VaultObjects = append(set.VaultObjects, fo)
	}
}
