package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// snapshotHeader starts every snapshot document.
const snapshotHeader = "# authkit-emulator snapshot: load it with --fixtures or testkit.WithFixtureFile to get this world back.\n"

// SnapshotYAML is the environment's world as a fixture document.
func SnapshotYAML(st *store.Store) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(snapshotHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(st.Snapshot()); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// snapshotJSON is the same document as JSON (which is YAML: it loads the
// same way).
func snapshotJSON(st *store.Store) ([]byte, error) {
	doc, err := SnapshotYAML(st)
	if err != nil {
		return nil, err
	}
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	return json.MarshalIndent(v, "", "  ")
}

// snapshot serves GET /_emulator/snapshot: YAML, or JSON when the client
// accepts application/json (and not YAML).
func (a *api) snapshot(c echo.Context) error {
	st := a.env(c)
	accept := c.Request().Header.Get(echo.HeaderAccept)
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "yaml") {
		doc, err := snapshotJSON(st)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
	}
	doc, err := SnapshotYAML(st)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="authkit-emulator-snapshot.yaml"`)
	return c.Blob(http.StatusOK, "application/yaml", doc)
}
