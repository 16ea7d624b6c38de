#!/usr/bin/env bash
# The @workos/authkit-session suite (compat/authkit-session): the server-side
# AuthKit toolkit, unchanged, against the built emulator: sign-in through the
# hosted page in plain HTTP, the sealed session cookie, JWKS verification,
# refresh of an expired token, sign-out. See scripts/compat-suite.sh.
#
#   scripts/compat-authkit-session.sh                          # the whole suite
#   scripts/compat-authkit-session.sh test/session.test.mjs    # some files
set -euo pipefail
exec "$(dirname "$0")/compat-suite.sh" authkit-session "$@"
