#!/usr/bin/env bash
# The @workos-inc/authkit-js suite (compat/authkit-js): the browser client,
# unchanged, in headless Debian Chromium (installed when missing; playwright-
# core drives it and downloads no browser), against the built emulator. The
# test page and the emulator are both reached as localhost (one site, as a
# custom auth domain makes them), so the devMode:false cookies can work.
# See scripts/compat-suite.sh.
#
#   scripts/compat-authkit-js.sh                          # devMode true and false
#   scripts/compat-authkit-js.sh test/dev-mode.test.mjs   # devMode:true alone
#   scripts/compat-authkit-js.sh test/cookie-mode.test.mjs  # devMode:false alone
#   CHROMIUM=/path/to/chromium                            # another binary
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
export CHROMIUM=${CHROMIUM:-$(command -v chromium)}
"$CHROMIUM" --version
EMULATOR_HOST=localhost exec scripts/compat-suite.sh authkit-js "$@"
