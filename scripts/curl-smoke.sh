#!/usr/bin/env bash
# Builds the binary, starts it on the default world, and runs the curl-only
# control-plane scenario (examples/curl/scenario.sh) against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/authkit-emulator
go build -o "$bin" .
port=${PORT:-18484}
"$bin" serve --addr 127.0.0.1:$port --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  "$bin" healthcheck --url http://127.0.0.1:$port 2>/dev/null && break
  sleep 0.1
done
"$bin" healthcheck --url http://127.0.0.1:$port
examples/curl/scenario.sh http://127.0.0.1:$port
