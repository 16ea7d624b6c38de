#!/usr/bin/env bash
# The testkit scenario over HTTP with only curl: what a docker-compose suite
# (or any language) does with the /_emulator control plane. Run it against an
# emulator serving the default world:
#
#   go run . &            # or: docker run -p 8484:8484 authkit-emulator:local (default world)
#   examples/curl/scenario.sh http://127.0.0.1:8484
#
# It exits non-zero on the first answer that is not what the README promises.
set -euo pipefail
BASE=${1:-http://127.0.0.1:8484}
ALICE=user_01JGH00N0CRRAQG5E1V2EYRQ68
ACME=org_01JGJ5PDQQYSQW43DAPDSPEJEY
M2M=client_01JGHR9D6MBAZ75T49WTR2HFYK
ENV_CLIENT=client_01JGG4A9SC2402TR1E5S95RGFY

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect BODY PATTERN: the body must contain the fixed string PATTERN.
expect() { grep -qF -- "$2" <<<"$1" || fail "expected $2 in: $1"; }
field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1"; }
ctl() { curl -sS -X "$1" -H 'Content-Type: application/json' "$BASE/_emulator/$2" ${3:+-d "$3"}; }
introspect() {
  curl -sS "$BASE/oauth2/introspection" -d client_id=$ENV_CLIENT -d client_secret=sk_test_emulator -d "token=$1"
}

expect "$(curl -sS "$BASE/_emulator/health")" '"status":"ok"'
ctl POST reset >/dev/null
expect "$(ctl POST clock '{"set":"2026-01-15T12:00:00Z"}')" '"frozen":true'

# mint a User Management token for Alice in Acme; it is active...
minted=$(ctl POST tokens "{\"user_id\":\"$ALICE\",\"organization_id\":\"$ACME\",\"ttl\":\"10m\"}")
token=$(field "$minted" access_token)
session=$(field "$minted" session_id)
[ -n "$token" ] || fail "no token in $minted"
expect "$(introspect "$token")" '"active":true'
expect "$(introspect "$token")" "\"org_id\":\"$ACME\""

# ...until the clock passes its exp
ctl POST clock '{"advance":"10m"}' >/dev/null
expect "$(introspect "$token")" '{"active":false}'

# a revoked session's tokens are inactive at once
ctl POST clock '{"set":"2026-01-15T12:00:00Z"}' >/dev/null
expect "$(introspect "$token")" '"active":true'
expect "$(ctl POST "sessions/$session/revoke")" '"status":"revoked"'
expect "$(introspect "$token")" '{"active":false}'

# seed a user at run time and sign them in
expect "$(ctl POST fixtures '{"users":[{"id":"user_01JGK5C0R100000000000000ZZ","email":"curl@example.com"}]}')" '"users":1'
expect "$(ctl POST tokens '{"user_id":"user_01JGK5C0R100000000000000ZZ"}')" '"access_token"'
# invalid fixtures: 422, every problem listed, nothing changed
bad=$(ctl POST fixtures '{"users":[{"email":"alice@example.com"},{"email":"nope"}]}')
expect "$bad" '"code":"invalid_fixtures"'
expect "$bad" 'duplicate of users[0]'
expect "$bad" 'is not an e-mail address'

# the bad-token catalogue
expect "$(introspect "$(field "$(ctl POST tokens "{\"user_id\":\"$ALICE\",\"defect\":\"bad_signature\"}")" access_token)")" '{"active":false}'

# scripted failure: the next client_credentials request answers 503
ctl POST faults '{"method":"POST","path":"/oauth2/token","status":503,"count":1}' >/dev/null
cc() { curl -sS -o /dev/null -w '%{http_code}' "$BASE/oauth2/token" -d grant_type=client_credentials -d client_id=$M2M -d client_secret=demo_m2m_secret; }
[ "$(cc)" = 503 ] || fail "fault not applied"
[ "$(cc)" = 200 ] || fail "fault outlived its count"

# the journal saw both, with the secret redacted
journal=$(curl -sS "$BASE/_emulator/requests?path=/oauth2/token")
expect "$journal" '"status":503'
expect "$journal" 'client_secret=%5BREDACTED%5D'
grep -qF demo_m2m_secret <<<"$journal" && fail "secret in the journal"

# key rotation: two keys published until the old one is retired
old_kid=$(field "$(ctl GET keys)" kid)
ctl POST keys/rotate >/dev/null
[ "$(curl -sS "$BASE/oauth2/jwks" | grep -o '"kid"' | wc -l)" = 2 ] || fail "rotation should publish two keys"
ctl DELETE "keys/$old_kid" >/dev/null
[ "$(curl -sS "$BASE/oauth2/jwks" | grep -o '"kid"' | wc -l)" = 1 ] || fail "retired key still published"

# reset: back to the loaded world
ctl POST reset >/dev/null
expect "$(ctl GET requests)" '"requests":[]'
expect "$(curl -sS "$BASE/oauth2/jwks")" "$old_kid"
echo "curl scenario: all checks passed against $BASE"
