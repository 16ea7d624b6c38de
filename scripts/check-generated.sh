#!/usr/bin/env bash
# Fails when a generated file no longer matches its source (the OpenAPI
# operation table, the README's endpoint table).
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./...
if ! git diff --quiet -- emulator/spec_operations.go README.md; then
  git diff --stat -- emulator/spec_operations.go README.md
  echo "generated files are stale: run 'go generate ./...' and commit"
  exit 1
fi
