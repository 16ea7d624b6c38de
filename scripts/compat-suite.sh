#!/usr/bin/env bash
# Runs one npm compatibility suite (compat/<suite>: package.json, a committed
# package-lock.json, node:test files in test/) against the built emulator
# binary serving the default world. Builds the binary, starts it on a free
# loopback port, waits for health, installs the suite from its lockfile (npm
# ci; the Node 22 runtime comes from the lockfile's `node` package), runs the
# test files serially (they share one emulator and reset it), prints the
# emulator log on failure, and always stops the emulator.
# scripts/compat-authkit-js.sh and scripts/compat-authkit-session.sh call it.
#
#   scripts/compat-suite.sh <suite>                   # every test/*.test.mjs
#   scripts/compat-suite.sh <suite> test/x.test.mjs   # some files (relative to compat/<suite>)
#   PORT=18600          first port to try (default 18600)
#   EMULATOR_HOST=...   host of the emulator's public URL (default 127.0.0.1;
#                       it always listens on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
suite=${1:?usage: scripts/compat-suite.sh <suite under compat/> [test files]}
shift
[ -f "compat/$suite/package-lock.json" ] || { echo "compat/$suite has no package-lock.json" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$tmp/authkit-emulator
go build -o "$bin" .

port=$(scripts/free-port.sh "${PORT:-18600}")
url=http://${EMULATOR_HOST:-127.0.0.1}:$port
"$bin" serve --addr "127.0.0.1:$port" --public-url "$url" --log-level warn >"$tmp/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  "$bin" healthcheck --url "http://127.0.0.1:$port" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "the emulator exited:" >&2; cat "$tmp/emulator.log" >&2; exit 1; }
  sleep 0.1
done
"$bin" healthcheck --url "http://127.0.0.1:$port"
echo "emulator at $url"

cd "$root/compat/$suite"
# npm ci unless node_modules was installed from exactly this lockfile.
stamp=node_modules/.compat-suite-stamp
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -x node_modules/.bin/node ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "node_modules is current (npm ci skipped)"
else
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi
./node_modules/.bin/node -e '
  const deps = Object.keys(require("./package.json").dependencies);
  console.log(`runtime: Node ${process.version}, ` + deps.map((d) => `${d} ${require(`./node_modules/${d}/package.json`).version}`).join(", "));'

if [ $# -eq 0 ]; then set -- 'test/*.test.mjs'; fi
status=0
EMULATOR_URL=$url ./node_modules/.bin/node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- emulator log (warnings and errors) ---"
  cat "$tmp/emulator.log"
fi
exit "$status"
