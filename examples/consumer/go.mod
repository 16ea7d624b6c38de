module example.com/consumer

go 1.26.8

require github.com/authkit-emulator/authkit-emulator v0.0.0

require (
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/go-jose/go-jose/v4 v4.1.9 // indirect
	github.com/labstack/echo/v4 v4.16.0 // indirect
	github.com/labstack/gommon v0.5.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.22 // indirect
	github.com/oklog/ulid/v2 v2.1.2 // indirect
	github.com/pquerna/otp v1.5.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.2 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

// This module stands for a team's own repository: it uses the emulator as
// a dependency. The replace points at this checkout; outside it, drop the
// replace and `go get github.com/authkit-emulator/authkit-emulator`.
replace github.com/authkit-emulator/authkit-emulator => ../..
