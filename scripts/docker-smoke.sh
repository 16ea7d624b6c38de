#!/usr/bin/env bash
# Docker smoke test (called from .ci/run): the image and docker-compose.yml as
# a team's integration suite uses them.
#
#   1. tools:   installs docker.io + docker-compose from apt if missing, starts
#               dockerd if it is not running;
#   2. build:   compiles both binaries on the host and builds both images the
#               prebuilt way (BINARY_FROM=prebuilt: no image is pulled);
#   3. up:      brings the compose project up, polls health (compose 1.29 has
#               no --wait), measures start-to-healthy of the emulator;
#   4. image:   size <= 20 MB, runs as a non-root numeric user;
#   5. tokens:  from the host through localhost:<host port>, and from inside the
#               network through authkit:8484: each verifies in the other place;
#               the example app rejects expired (clock moved through the control
#               plane), revoked and tampered tokens; seeding and reset work
#               from the host;
#   6. default: the image with nothing mounted serves the default world:
#               examples/curl/scenario.sh passes against it.
#
# It always tears everything down (down -v, the extra container), also on
# failure.
#
#   CI_SKIP_DOCKER=1      skip all of this (loudly)
#   AUTHKIT_HOST_PORT     host port of the emulator (default: the first free from 18484)
#   APP_HOST_PORT         host port of the example app (default: the next free one)
#   DEFAULT_HOST_PORT     host port of the default-world container (default: the next free one)
#   MAX_HEALTHY_SECONDS   fail when start-to-healthy exceeds this (default 5;
#                         the goal is < 1 s, the slack is for noisy machines)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CI_SKIP_DOCKER:-}" = 1 ]; then
  cat <<'EOF'

  ###################################################################
  ##                                                               ##
  ##   WARNING: CI_SKIP_DOCKER=1: the Docker smoke test is SKIPPED ##
  ##                                                               ##
  ##   Not checked: the image builds, its size and user, its       ##
  ##   healthcheck, docker-compose.yml, the example app, and       ##
  ##   tokens crossing host <-> container.                         ##
  ##   Unset CI_SKIP_DOCKER to run scripts/docker-smoke.sh.        ##
  ##                                                               ##
  ###################################################################

EOF
  exit 0
fi

# Host ports: free ones unless given, so the smoke never collides with an
# emulator already running on this machine (and never mistakes it for the
# container it started).
export AUTHKIT_HOST_PORT=${AUTHKIT_HOST_PORT:-$(scripts/free-port.sh 18484)}
export APP_HOST_PORT=${APP_HOST_PORT:-$(scripts/free-port.sh $((AUTHKIT_HOST_PORT + 1)))}
MAX_HEALTHY_SECONDS=${MAX_HEALTHY_SECONDS:-5}
MAX_IMAGE_BYTES=$((20 * 1000 * 1000))

# The compose project: a fixed name of its own, so it never touches a
# developer's `docker-compose up` of the same file.
export COMPOSE_PROJECT_NAME=authkit-smoke
# BuildKit skips the unused `build` stage (golang:1.26) when
# BINARY_FROM=prebuilt; compose v1 builds through the docker CLI to get it.
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1

AUTHKIT=http://localhost:$AUTHKIT_HOST_PORT   # the emulator, as the host sees it
APP=http://localhost:$APP_HOST_PORT           # the example service under test
DEFAULT_HOST_PORT=${DEFAULT_HOST_PORT:-$(scripts/free-port.sh $((APP_HOST_PORT + 1)))}
DEFAULT_CONTAINER=authkit-smoke-default       # phase 6: the image, nothing mounted
ISSUER=http://authkit:8484                    # the one fixed issuer (docker-compose.yml)

# The compose fixture world (examples/compose/fixtures/world.yaml).
ENV_CLIENT=client_01JQ7C0MP05E7Q2V8N3K4RZ6YA
API_KEY=sk_test_compose
APP_CLIENT=client_01JQ7C0MP0A9PP5ERV1CE00001             # orders-api, the example app
WORKER=client_01JQ7C0MP0B1111NGW0RKER001                  # billing-worker, a caller
WORKER_SECRET=billing_worker_secret
ACME=org_01JQ7C0MP0ACME000000000000
ALICE=user_01JQ7C0MP0A11CE00000000000
DAVE=user_01JQ7C0MP0DAVE00000000000A                      # seeded at run time

# ---- output and timing ---------------------------------------------------

script_start=$(date +%s%3N)
phase_name="" phase_start=0
# phase NAME: ends the current phase (printing how long it took), starts NAME.
phase() {
  local now; now=$(date +%s%3N)
  if [ -n "$phase_name" ]; then
    printf '   (%s: %s s)\n' "$phase_name" "$(ms_to_s $((now - phase_start)))"
  fi
  phase_name=$1 phase_start=$now
  [ -n "$phase_name" ] && printf '\n-- docker smoke: %s\n' "$phase_name"
  return 0
}
ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
ok() { printf '   ok: %s\n' "$*"; }
fail() { printf '\nDOCKER SMOKE FAILED: %s\n' "$*" >&2; exit 1; }

# ---- HTTP helpers (curl only; JSON read with sed, as examples/curl does) ---

# req METHOD URL [curl args...]: sets STATUS and BODY.
req() {
  local method=$1 url=$2; shift 2
  BODY=$(curl -sS -X "$method" -w '\n%{http_code}' "$url" "$@") || fail "$method $url: curl failed"
  STATUS=${BODY##*$'\n'} BODY=${BODY%$'\n'*}
}
# expect STATUS_WANTED PATTERN WHAT: checks the last req.
expect() {
  [ "$STATUS" = "$1" ] || fail "$3: want HTTP $1, got $STATUS: $BODY"
  grep -qF -- "$2" <<<"$BODY" || fail "$3: want $2 in: $BODY"
  ok "$3"
}
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$BODY"; }
ctl() { req "$1" "$AUTHKIT/_emulator/$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
introspect() {   # as the environment (client id + API key), from the host
  req POST "$AUTHKIT/oauth2/introspection" -d client_id=$ENV_CLIENT -d client_secret=$API_KEY -d "token=$1"
}
whoami() { req GET "$APP/whoami" -H "Authorization: Bearer $1"; }

# ---- docker --------------------------------------------------------------

# ensure_docker installs the Debian packages when a tool is missing and
# starts dockerd when no daemon answers.
ensure_docker() {
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null; then
    echo "   installing docker.io and docker-compose from apt"
    local out
    out=$(apt-get update -qq 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose 2>&1) ||
      fail "apt-get install docker.io docker-compose: $out"
  fi
  # Debian's client has BuildKit built in; a newer docker client elsewhere on
  # the PATH may insist on the buildx plugin instead.
  if [ -x /usr/bin/docker ]; then export PATH=/usr/bin:$PATH; fi
  if ! docker info >/dev/null 2>&1; then
    echo "   starting dockerd (log: /tmp/dockerd.log); it keeps running after this script"
    setsid dockerd >/tmp/dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || fail "dockerd did not start: $(tail -5 /tmp/dockerd.log)"
  fi
  ok "$(docker --version), $(docker-compose --version)"
}

# teardown runs on every exit: logs on failure, then down -v.
teardown() {
  local rc=$?
  if [ $rc -ne 0 ] && docker-compose ps -q 2>/dev/null | grep -q .; then
    echo "-- compose logs (last 40 lines per service)"
    docker-compose logs --no-color --tail=40 || true
  fi
  echo "-- docker smoke: teardown (docker-compose down -v)"
  docker-compose down -v --remove-orphans >/dev/null 2>&1 || echo "   teardown failed: see docker ps -a"
  docker rm -f -v "$DEFAULT_CONTAINER" >/dev/null 2>&1 || true
  exit $rc
}

# container SERVICE: the id of the service's container.
container() { docker-compose ps -q "$1"; }

# wait_healthy SERVICE SECONDS: polls the container's health status.
wait_healthy() {
  local cid status deadline=$(($(date +%s) + $2))
  cid=$(container "$1")
  [ -n "$cid" ] || fail "no container for service $1"
  while :; do
    status=$(docker inspect -f '{{.State.Status}}/{{.State.Health.Status}}' "$cid")
    case $status in
      running/healthy) return 0 ;;
      running/starting) ;;
      *) fail "$1 is $status" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || fail "$1 not healthy after $2 s ($status)"
    sleep 0.05
  done
}

# start_to_healthy SERVICE: seconds from the container's start to the end of
# its first successful healthcheck, as Docker recorded them.
start_to_healthy() {
  local cid started healthy
  cid=$(container "$1")
  started=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$cid")" +%s%N)
  healthy=$(docker inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.UnixNano}} {{end}}{{end}}' "$cid" | cut -d' ' -f1)
  [ -n "$healthy" ] || fail "$1: no successful healthcheck recorded"
  ms_to_s $(((healthy - started) / 1000000))
}

# ---- the phases -------------------------------------------------------------

phase "tools"
ensure_docker
trap teardown EXIT
# leftovers of an aborted run
docker-compose down -v --remove-orphans >/dev/null 2>&1 || true
docker rm -f -v "$DEFAULT_CONTAINER" >/dev/null 2>&1 || true

phase "build binaries (host) and images (BINARY_FROM=prebuilt, nothing pulled)"
VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
export VERSION BINARY_FROM=prebuilt
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o dist/authkit-emulator .
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o dist/compose-app ./examples/compose/app
out=$(docker-compose build 2>&1) || fail "docker-compose build: $out"
ok "images authkit-emulator:local and authkit-compose-app:local ($VERSION)"

phase "up: emulator first, to time start-to-healthy"
out=$(docker-compose up -d --no-build authkit 2>&1) || fail "docker-compose up authkit: $out"
wait_healthy authkit 30
healthy_s=$(start_to_healthy authkit)
awk -v t="$healthy_s" -v max="$MAX_HEALTHY_SECONDS" 'BEGIN { exit !(t <= max) }' ||
  fail "start to healthy took $healthy_s s (limit $MAX_HEALTHY_SECONDS s)"
ok "emulator start to healthy: $healthy_s s"
out=$(docker-compose up -d --no-build 2>&1) || fail "docker-compose up: $out"   # app: depends_on service_healthy
wait_healthy app 30
app_healthy_s=$(start_to_healthy app)
ok "app healthy ($app_healthy_s s after its own start)"

phase "image: size and user"
size=$(docker image inspect -f '{{.Size}}' authkit-emulator:local)
[ "$size" -le "$MAX_IMAGE_BYTES" ] || fail "image is $size bytes (limit $MAX_IMAGE_BYTES)"
ok "image size $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }') MB)"
user=$(docker image inspect -f '{{.Config.User}}' authkit-emulator:local)
case $user in "" | 0 | 0:* | root | root:*) fail "image runs as root (USER '$user')" ;; esac
uid=$(docker top "$(container authkit)" -o pid,uid | awk 'NR == 2 { print $2 }')
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "emulator process runs as uid '$uid'"
ok "runs as USER $user (process uid $uid)"

phase "issuer: configured, never from the Host header"
# A dotless name passes the DNS-rebinding guard (like a compose service name), so
# it shows the issuer does not follow the Host header; a dotted foreign name is refused.
req GET "$AUTHKIT/.well-known/openid-configuration" -H 'Host: somewhere-else:9999'
expect 200 "\"issuer\":\"$ISSUER\"" "discovery through localhost names $ISSUER, whatever the Host header"
req GET "$AUTHKIT/.well-known/openid-configuration" -H 'Host: somewhere-else.test:9999'
expect 421 '"code":"host_not_allowed"' "a foreign dotted Host is refused (DNS-rebinding guard)"

phase "host -> container: a token minted through localhost verifies in the app"
req POST "$AUTHKIT/oauth2/token" -d grant_type=client_credentials -d client_id=$WORKER -d client_secret=$WORKER_SECRET
expect 200 '"access_token"' "client_credentials token from the host (POST /oauth2/token)"
m2m=$(field access_token)
introspect "$m2m"
expect 200 "\"iss\":\"$ISSUER\"" "introspection from the host: active, iss $ISSUER"
grep -qF '"active":true' <<<"$BODY" || fail "introspection: $BODY"
whoami "$m2m"
expect 200 "\"sub\":\"$WORKER\"" "the app (reaching authkit:8484) accepts it"

phase "container -> host: a token minted through authkit:8484 verifies on the host"
inside=$(docker-compose exec -T app /compose-app mint) || fail "minting inside the network failed"
introspect "$inside"
expect 200 "\"iss\":\"$ISSUER\"" "introspection from the host: active, iss $ISSUER"
grep -qF '"active":true' <<<"$BODY" || fail "introspection: $BODY"
# The app's own checks, run on the host: JWKS and introspection through
# localhost (the host cannot resolve authkit, which discovery's URLs name),
# the issuer still the one fixed value.
host_verify=$(AUTHKIT_URL=$AUTHKIT AUTHKIT_ISSUER=$ISSUER AUTHKIT_CLIENT_ID=$ENV_CLIENT \
  AUTHKIT_JWKS_URL=$AUTHKIT/oauth2/jwks AUTHKIT_INTROSPECTION_URL=$AUTHKIT/oauth2/introspection \
  AUTHKIT_APP_CLIENT_ID=$WORKER AUTHKIT_APP_CLIENT_SECRET=$WORKER_SECRET \
  dist/compose-app verify "$inside") || fail "host-side signature/issuer verification rejected it"
grep -qF "\"sub\":\"$APP_CLIENT\"" <<<"$host_verify" || fail "host verify: $host_verify"
ok "signature, iss and aud verify on the host (JWKS from localhost)"
whoami "$inside"
expect 200 "\"sub\":\"$APP_CLIENT\"" "and the app accepts it too"

phase "expiry: the clock moved through the control plane"
ctl POST clock '{"advance":"10m"}'
expect 200 '"now"' "POST /_emulator/clock {\"advance\":\"10m\"}"
whoami "$m2m"
expect 401 'not active' "the app rejects the expired token (introspection inactive)"
introspect "$m2m"
expect 200 '{"active":false}' "introspection from the host: inactive"

phase "seed, revoke and reset through the control plane"
ctl POST reset
expect 200 '' "POST /_emulator/reset (clock back to the loaded world's)"
ctl POST fixtures "{\"users\":[{\"id\":\"$DAVE\",\"email\":\"dave@acme.test\"}],\"memberships\":[{\"user_id\":\"$DAVE\",\"organization_id\":\"$ACME\",\"role\":\"member\"}]}"
expect 200 '"users":1' "POST /_emulator/fixtures seeds Dave"
ctl POST tokens "{\"user_id\":\"$DAVE\",\"organization_id\":\"$ACME\"}"
expect 201 '"session_id"' "POST /_emulator/tokens: a User Management token for Dave"
dave_token=$(field access_token) dave_session=$(field session_id)
whoami "$dave_token"
expect 200 "\"sub\":\"$DAVE\"" "the app accepts it (user_management issuer)"
ctl POST "sessions/$dave_session/revoke"
expect 200 '"status":"revoked"' "POST /_emulator/sessions/$dave_session/revoke"
whoami "$dave_token"
expect 401 'not active' "the app rejects the revoked session's token (its signature still verifies)"
ctl POST tokens "{\"user_id\":\"$ALICE\",\"defect\":\"bad_signature\"}"
expect 201 '"access_token"' "a tampered token for Alice"
whoami "$(field access_token)"
expect 401 'jwt:' "the app rejects it at the signature check"
ctl POST reset
expect 200 '' "POST /_emulator/reset"
ctl POST tokens "{\"user_id\":\"$DAVE\"}"
[ "$STATUS" != 201 ] || fail "Dave survived the reset: $BODY"
ok "Dave is gone after the reset (HTTP $STATUS)"

phase "the image with nothing mounted: the default world (examples/curl/scenario.sh)"
docker run -d --name "$DEFAULT_CONTAINER" -p "$DEFAULT_HOST_PORT:8484" authkit-emulator:local >/dev/null
for _ in $(seq 1 100); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$DEFAULT_CONTAINER")" = healthy ] && break
  sleep 0.05
done
[ "$(docker inspect -f '{{.State.Health.Status}}' "$DEFAULT_CONTAINER")" = healthy ] ||
  fail "default-world container not healthy: $(docker logs "$DEFAULT_CONTAINER" 2>&1 | tail -5)"
# the scenario uses the default world's ids and secrets throughout
examples/curl/scenario.sh "http://localhost:$DEFAULT_HOST_PORT" >/dev/null ||
  fail "examples/curl/scenario.sh against the image"
ok "empty /fixtures serves the default world; the curl scenario passes against the image"

phase ""
printf '\ndocker smoke: all checks passed in %s s (image %s bytes, start to healthy %s s)\n' \
  "$(ms_to_s $(($(date +%s%3N) - script_start)))" "$size" "$healthy_s"
