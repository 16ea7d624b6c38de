#!/usr/bin/env bash
# The Node compatibility suite (compat/node): the official @workos-inc/node SDK
# and openid-client, unchanged, against the built emulator binary serving the
# default world. Builds the binary, starts it on a free loopback port, installs
# the suite from its committed lockfile (npm ci; the Node 22 runtime the SDK
# needs comes from the lockfile's `node` package), runs every test file
# serially (they share one emulator and reset it before each scenario), and
# always stops the emulator.
#
#   scripts/compat-node.sh                         # the whole suite
#   scripts/compat-node.sh test/openid-client.test.mjs   # some files (relative to compat/node)
#   PORT=18500 scripts/compat-node.sh              # first port to try (default 18490)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$tmp/authkit-emulator
go build -o "$bin" .

# A free port: the first one from $PORT up that nothing answers on.
port=${PORT:-18490}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  port=$((port + 1))
  [ "$port" -lt "$(( ${PORT:-18490} + 100 ))" ] || { echo "no free port near ${PORT:-18490}" >&2; exit 1; }
done
url=http://127.0.0.1:$port

"$bin" serve --addr "127.0.0.1:$port" --log-level warn >"$tmp/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  "$bin" healthcheck --url "$url" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "the emulator exited:" >&2; cat "$tmp/emulator.log" >&2; exit 1; }
  sleep 0.1
done
"$bin" healthcheck --url "$url"
echo "emulator at $url"

cd "$root/compat/node"
# npm ci unless node_modules was installed from exactly this lockfile.
stamp=node_modules/.compat-node-stamp
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -x node_modules/.bin/node ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "node_modules is current (npm ci skipped)"
else
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi
echo "runtime: $(./node_modules/.bin/node --version)," \
  "@workos-inc/node $(./node_modules/.bin/node -p 'require("@workos-inc/node/package.json").version')," \
  "openid-client $(./node_modules/.bin/node -p 'require("./node_modules/openid-client/package.json").version')"

if [ $# -eq 0 ]; then set -- 'test/*.test.mjs'; fi
status=0
EMULATOR_URL=$url ./node_modules/.bin/node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- emulator log (warnings and errors) ---"
  cat "$tmp/emulator.log"
fi
exit "$status"
