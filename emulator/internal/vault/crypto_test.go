package vault

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

func testBlob() []byte {
	kek := bytes.Repeat([]byte{1}, 32)
	return sealDataKey(kek, "bf51ccec-78b4-4200-b383-35730e71ef61", map[string]string{"organization_id": "org_1", "a": ""},
		bytes.Repeat([]byte{2}, dataKeySize), bytes.Repeat([]byte{3}, nonceSize))
}

// TestBlobRoundTrip: a sealed blob parses back to its id and context and
// opens to its data key; under another key it does not.
func TestBlobRoundTrip(t *testing.T) {
	blob, err := parseBlob(testBlob())
	if err != nil {
		t.Fatal(err)
	}
	if blob.DataKeyID != "bf51ccec-78b4-4200-b383-35730e71ef61" || !maps.Equal(blob.Context, map[string]string{"organization_id": "org_1", "a": ""}) {
		t.Fatalf("%+v", blob)
	}
	key, err := openDataKey(bytes.Repeat([]byte{1}, 32), blob)
	if err != nil || !bytes.Equal(key, bytes.Repeat([]byte{2}, dataKeySize)) {
		t.Fatalf("open: %x %v", key, err)
	}
	if _, err := openDataKey(bytes.Repeat([]byte{9}, 32), blob); err == nil {
		t.Fatal("opened under another key")
	}
}

// FuzzParseBlob: any bytes as encrypted_keys are parsed without panicking;
// what parses re-encodes to the same bytes (the layout is canonical, so
// one data key has one blob per context and nonce).
func FuzzParseBlob(f *testing.F) {
	f.Add(testBlob())
	f.Add([]byte(blobMagic))
	f.Add([]byte("WOS.EKM.v1\x00bf51ccec"))
	f.Add(append([]byte(blobMagic), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))
	f.Fuzz(func(t *testing.T, b []byte) {
		blob, err := parseBlob(b)
		if err != nil {
			return
		}
		if again := encodeBlob(blob.DataKeyID, blob.Context, blob.Nonce, blob.Sealed); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", b, again)
		}
		_, _ = openDataKey(bytes.Repeat([]byte{1}, 32), blob)
	})
}

// FuzzKeyContext: any JSON as a key context is accepted only within the
// spec's bounds, and what is accepted survives the canonical encoding.
func FuzzKeyContext(f *testing.F) {
	for _, s := range []string{`{"organization_id":"org_1"}`, `{}`, `{"a":1}`, `[]`, `null`, `"x"`, `{"a":"b","a":"c"}`, `{"\u0000":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, msg := parseKeyContext(json.RawMessage(raw))
		if msg != "" {
			if ctx != nil {
				t.Fatal("a refused context came back")
			}
			return
		}
		if len(ctx) > 10 {
			t.Fatalf("%d entries accepted", len(ctx))
		}
		back, err := decodeKeyContext(store.KeyContext(ctx))
		if err != nil || !maps.Equal(back, ctx) {
			t.Fatalf("canonical round trip: %v %v %v", ctx, back, err)
		}
	})
}

// TestOverlongLength: a length written in more bytes than it needs does
// not parse (the fuzz target's canonical-encoding property).
func TestOverlongLength(t *testing.T) {
	b := testBlob()
	over := append([]byte(blobMagic), 0x80|36, 0x00)
	over = append(over, b[len(blobMagic)+1:]...)
	if _, err := parseBlob(over); err == nil {
		t.Fatal("an overlong length parsed")
	}
}
