package emulator

//go:generate go run ./internal/docsgen -out ../docs/endpoints.md -operations ../docs/operations.md -peer ../docs/data/workos-emulate-operations.tsv -readme ../README.md
