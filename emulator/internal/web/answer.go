package web

import (
	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
)

// Read answers a request from a read transaction: fn finds and renders
// under the read lock, and the answer is written after it, so a slow
// client never holds the world.
func Read(c echo.Context, st *store.Store, status int, fn func(tx *store.Tx) (any, error)) error {
	var out any
	err := st.Read(func(tx *store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		return err
	}
	return JSON(c, status, out)
}

// Write answers a request from a write transaction, as Read does.
func Write(c echo.Context, st *store.Store, status int, fn func(tx *store.Tx) (any, error)) error {
	var out any
	err := st.Write(func(tx *store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		return err
	}
	return JSON(c, status, out)
}

// WriteNoContent runs a write transaction and answers status without a
// body (deletes).
func WriteNoContent(c echo.Context, st *store.Store, status int, fn func(tx *store.Tx) error) error {
	if err := st.Write(fn); err != nil {
		return err
	}
	return c.NoContent(status)
}
