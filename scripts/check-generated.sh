#!/usr/bin/env bash
# Fails when a generated file no longer matches its source (the OpenAPI
# operation table, docs/endpoints.md), or is new and not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=(emulator/internal/spec/operations.go fixtures/event_types.go fixtures/schema_docs.go docs/fixtures.schema.json docs/endpoints.md docs/operations.md README.md)
go generate ./...
if ! git diff --quiet -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard -- "${generated[@]}")" ]; then
  git status --short -- "${generated[@]}"
  echo "generated files are stale: run 'go generate ./...' and commit"
  exit 1
fi
