#!/usr/bin/env bash
# Runs the real-browser tests (compat/browser: the hosted login page, the
# inspector) with
# Debian's chromium, installing it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
chromium --version
go test -tags browser -count=1 ./compat/browser/
