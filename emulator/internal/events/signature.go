package events

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Sign is the WorkOS-Signature header of a delivery of body made at t:
// "t=<unix ms>, v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>",
// what the SDKs' constructEvent and verifyHeader check.
func Sign(secret string, t time.Time, body []byte) string {
	ms := strconv.FormatInt(t.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ms))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "t=" + ms + ", v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Equal compares two signature headers in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
