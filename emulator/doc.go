// Package emulator is the authkit-emulator server: a local, deterministic
// WorkOS AuthKit for automated tests. A Server is built from a fixtures.Set
// and serves the AuthKit-domain OAuth/OIDC endpoints, the WorkOS API surface
// the official SDKs call, and the /_emulator control plane, all through one
// http.Handler.
//
// Every instance owns its state: one clock (clock.go is the only reader of
// wall time), one seeded random source, one signing key set and one store.
// Nothing is shared between instances, so parallel tests each get their own
// world.
package emulator
