#!/usr/bin/env bash
# Builds the binary, starts it on the default world on a free port, checks
# that this very process answers, and runs the curl-only control-plane
# scenario (examples/curl/scenario.sh) against it.
#
#   PORT=18484 scripts/curl-smoke.sh   # first port to try (default 18484)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
bin=$tmp/authkit-emulator
go build -o "$bin" .
port=$(scripts/free-port.sh "${PORT:-18484}")
url=http://127.0.0.1:$port
"$bin" serve --addr "127.0.0.1:$port" --log-level warn >"$tmp/emulator.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || { echo "the emulator exited:" >&2; cat "$tmp/emulator.log" >&2; exit 1; }
  "$bin" healthcheck --url "$url" 2>/dev/null && break
  sleep 0.1
done
"$bin" healthcheck --url "$url"
kill -0 "$pid" # the server that answered is ours, not one already on the port
examples/curl/scenario.sh "$url"
