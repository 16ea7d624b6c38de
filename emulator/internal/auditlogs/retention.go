package auditlogs

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/web"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// RetentionDays are the retention periods the spec allows.
var RetentionDays = []int{30, 365}

func orgFor(c echo.Context, tx *store.Tx) (*store.Organization, error) {
	id := web.PathParam(c, "id")
	if o := tx.Org(id); o != nil {
		return o, nil
	}
	return nil, web.NotFound("Organization", id)
}

// getRetention serves GET /organizations/{id}/audit_logs_retention.
func (a *api) getRetention(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		return wire.Object{{"retention_period_in_days", tx.AuditRetentionDays(o.ID)}}, nil
	})
}

// sdkRetention reads the period the Node SDK sends (retention_period:
// "1_MONTH" to "11_MONTHS", "1_YEAR" to "10_YEARS") as days (30 a month,
// 365 a year).
func sdkRetention(v string) (int, bool) {
	n, unit, ok := strings.Cut(v, "_")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return 0, false
	}
	switch unit {
	case "MONTH", "MONTHS":
		if count <= 11 && (count == 1) == (unit == "MONTH") {
			return 30 * count, true
		}
	case "YEAR", "YEARS":
		if count <= 10 && (count == 1) == (unit == "YEAR") {
			return 365 * count, true
		}
	}
	return 0, false
}

// setRetention serves PUT /organizations/{id}/audit_logs_retention:
// retention_period_in_days is 30 or 365 (the spec); the Node SDK's
// retention_period ("1_MONTH", "1_YEAR", ...) is read too. Events older
// than the new period leave.
func (a *api) setRetention(c echo.Context) error {
	b, err := web.Decode(c, web.APIBody)
	if err != nil {
		return err
	}
	days := 0
	switch {
	case b.Given("retention_period_in_days"):
		days = b.Int("retention_period_in_days", 0)
		if err := b.Err(); err != nil {
			return err
		}
		if days != RetentionDays[0] && days != RetentionDays[1] {
			return web.Invalid(web.FieldError{Field: "retention_period_in_days", Code: "invalid_retention_period",
				Message: fmt.Sprintf("retention_period_in_days is %d or %d.", RetentionDays[0], RetentionDays[1])})
		}
	case b.Given("retention_period"):
		var ok bool
		if days, ok = sdkRetention(b.Str("retention_period")); !ok {
			return web.Invalid(web.FieldError{Field: "retention_period", Code: "invalid_retention_period",
				Message: "retention_period is 1_MONTH to 11_MONTHS or 1_YEAR to 10_YEARS."})
		}
	default:
		return web.Invalid(web.FieldError{Field: "retention_period_in_days", Code: "required", Message: "retention_period_in_days is required."})
	}
	return web.Write(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		tx.SetAuditRetentionDays(o.ID, days)
		return wire.Object{{"retention_period_in_days", days}}, nil
	})
}

// getConfiguration serves GET /organizations/{id}/audit_log_configuration:
// Audit Logs are active for every organization; the emulator streams to no
// log stream, so there is none.
func (a *api) getConfiguration(c echo.Context) error {
	return web.Read(c, a.env(c), http.StatusOK, func(tx *store.Tx) (any, error) {
		o, err := orgFor(c, tx)
		if err != nil {
			return nil, err
		}
		return wire.Object{{"organization_id", o.ID}, {"retention_period_in_days", tx.AuditRetentionDays(o.ID)}, {"state", "active"}}, nil
	})
}
