#!/usr/bin/env bash
# Prints the first TCP port from $1 up (default 18000) that nothing on
# this machine listens on, so smoke tests never collide with a running
# emulator (or each other). Sourced-free: call it as $(scripts/free-port.sh N).
set -euo pipefail
port=${1:-18000}
limit=$((port + 200))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  port=$((port + 1))
  [ "$port" -lt "$limit" ] || { echo "no free port from ${1:-18000} to $limit" >&2; exit 1; }
done
echo "$port"
