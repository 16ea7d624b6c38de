package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The baseline is a bare net/http server doing the same work as the
// emulator's handlers without Echo, middleware or state. The harness
// re-execs itself as `bench baseline --addr HOST:PORT --static DIR`, so it
// is a separate process like the emulator (own GOMAXPROCS, own heap, own
// RSS).
//
//	GET  /_emulator/health   {"status":"ok"} (for the startup poll)
//	POST /form               (a) ParseForm, drain the body, a fixed JSON answer
//	POST /sign               (b) as /form, plus one RSA-2048 PKCS#1 v1.5
//	                             SHA-256 signature over a JWT-sized payload
//	GET  /static/{name}      (c) pre-rendered bytes: DIR/name, read at start
//
// The RSA key is generated on the first /sign (during the warm-up), so the
// baseline's startup time is that of a bare net/http server.

// introspectionJSON is the size and shape of an active introspection answer.
var introspectionJSON = []byte(`{"active":true,"client_id":"client_01JGG4A9SC2402TR1E5S95RGFY","iss":"http://127.0.0.1:8484/user_management/client_01JGG4A9SC2402TR1E5S95RGFY","aud":"client_01JGG4A9SC2402TR1E5S95RGFY","sub":"user_01JGH00N0CRRAQG5E1V2EYRQ68","org_id":"org_01JGJ5PDQQYSQW43DAPDSPEJEY","sid":"session_01M89K27W23GQJ195892SSA4T2","jti":"01M89K27W2BZHZMDCQPBGZT2E3","exp":1795618616,"iat":1795618316,"token_type":"access_token"}`)

// signingInput is a JWT header and claims of an M2M token's size; a counter
// is appended so no two requests sign the same bytes.
const signingInput = `eyJhbGciOiJSUzI1NiIsImtpZCI6InNzb19vaWRjX2tleV9wYWlyXzAxSlBYTjZLRjdOQUVBWlRGRFlFU0FFMEtYIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjg0ODQiLCJhdWQiOiJjbGllbnRfMDFKR0c0QTlTQzI0MDJUUjFFNVM5NVJHRlkiLCJzdWIiOiJjbGllbnRfMDFKR0hSOUQ2TUJBWjc1VDQ5V1RSMkhGWUsiLCJjbGllbnRfaWQiOiJjbGllbnRfMDFKR0hSOUQ2TUJBWjc1VDQ5V1RSMkhGWUsiLCJvcmdfaWQiOiJvcmdfMDFKR0o1UERRUVlTUVc0M0RBUERTUEVKRVkifQ.`

func baselineMain(args []string) int {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	static := fs.String("static", "", "directory of files served at /static/{name}")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := map[string][]byte{}
	if *static != "" {
		entries, err := os.ReadDir(*static)
		if err != nil {
			fmt.Fprintln(os.Stderr, "baseline:", err)
			return 1
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(*static, e.Name()))
			if err != nil {
				fmt.Fprintln(os.Stderr, "baseline:", err)
				return 1
			}
			files[e.Name()] = b
		}
	}

	var (
		keyOnce sync.Once
		key     *rsa.PrivateKey
		seq     atomic.Uint64
	)
	readBody := func(w http.ResponseWriter, r *http.Request) bool {
		if err := r.ParseForm(); err != nil {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return false
		}
		_, _ = io.Copy(io.Discard, r.Body) // a JSON body: read it all too
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_emulator/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSONBytes(w, []byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		if readBody(w, r) {
			writeJSONBytes(w, introspectionJSON)
		}
	})
	mux.HandleFunc("POST /sign", func(w http.ResponseWriter, r *http.Request) {
		if !readBody(w, r) {
			return
		}
		keyOnce.Do(func() {
			var err error
			if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		})
		digest := sha256.Sum256(strconv.AppendUint([]byte(signingInput), seq.Add(1), 10))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
		if err != nil {
			http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
			return
		}
		out := make([]byte, 0, 512)
		out = append(out, `{"access_token":"`...)
		out = base64.RawURLEncoding.AppendEncode(out, sig)
		out = append(out, `","token_type":"bearer","expires_in":300}`...)
		writeJSONBytes(w, out)
	})
	mux.HandleFunc("GET /static/{name}", func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		writeJSONBytes(w, b)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		return 1
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	if err := hs.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		return 1
	}
	return 0
}

func writeJSONBytes(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
