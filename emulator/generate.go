package emulator

//go:generate go run ./internal/docsgen -out ../docs/endpoints.md
