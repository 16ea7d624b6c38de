package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Flag is a WorkOS feature flag. While enabled it is on for its targets
// (organizations and users) and gives everyone else its default value;
// disabled, it is off for everyone.
type Flag struct {
	Seq          uint64
	ID           string
	Slug         string
	Name         string
	Description  string
	Tags         []string
	Enabled      bool
	DefaultValue bool
	// Orgs and Users are the targets, in the order they were added;
	// targets holds them all, so evaluating the flag at each mint is O(1).
	Orgs      []string
	Users     []string
	targets   map[string]bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListKey orders flags by creation.
func (f *Flag) ListKey() (uint64, string) { return f.Seq, f.ID }

// Object renders the WorkOS feature_flag.
func (f *Flag) Object() wire.Object {
	return wire.Object{{"object", "feature_flag"}, {"id", f.ID}, {"slug", f.Slug}, {"name", f.Name},
		{"description", wire.Opt(f.Description)}, {"owner", nil}, {"tags", wire.NonNil(f.Tags)},
		{"enabled", f.Enabled}, {"default_value", f.DefaultValue},
		{"created_at", wire.Time(f.CreatedAt)}, {"updated_at", wire.Time(f.UpdatedAt)}}
}

// On reports whether the flag is on for a user in an organization (either
// may be ""): enabled, and the default is on or one of them is a target.
func (f *Flag) On(userID, orgID string) bool {
	if !f.Enabled {
		return false
	}
	return f.DefaultValue || (userID != "" && slices.Contains(f.Users, userID)) || (orgID != "" && slices.Contains(f.Orgs, orgID))
}

// Targets reports whether the flag targets the resource (a user or
// organization id).
func (f *Flag) Targets(id string) bool {
	return slices.Contains(f.Orgs, id) || slices.Contains(f.Users, id)
}

// AccessType is the flag rule's access type in WorkOS's events: all (the
// default is on), some (targets), none.
func (f *Flag) AccessType() string {
	switch {
	case f.DefaultValue:
		return "all"
	case len(f.Orgs)+len(f.Users) > 0:
		return "some"
	}
	return "none"
}

type flags struct {
	bySlug map[string]*Flag
	order  []*Flag
}

func newFlags() flags { return flags{bySlug: map[string]*Flag{}} }

// Flag is the flag with that slug, or nil.
func (tx *Tx) Flag(slug string) *Flag { return tx.w.flags.bySlug[slug] }

// Flags lists the flags in creation order. The slice is the index: do not
// change it.
func (tx *Tx) Flags() []*Flag { return tx.w.flags.order }

// FlagsOn lists the slugs of the flags on for a user in an organization
// (either may be ""), in creation order: the feature_flags claim.
func (tx *Tx) FlagsOn(userID, orgID string) []string {
	var out []string
	for _, f := range tx.w.flags.order {
		if f.On(userID, orgID) {
			out = append(out, f.Slug)
		}
	}
	return out
}

// FlagActor is who changed a flag, for the context of its events.
type FlagActor struct {
	ID     string
	Source string // api | dashboard | admin_portal | system
}

// flagContext is the context every flag event carries.
func (tx *Tx) flagContext(actor FlagActor) wire.Object {
	return wire.Object{{"client_id", tx.st.cfg.ClientID},
		{"actor", wire.Object{{"id", actor.ID}, {"source", actor.Source}, {"name", nil}}}}
}

// EnvironmentID is the WorkOS id of the environment (environment_...),
// stable for a client id: its ULID when the client id has one.
func (tx *Tx) EnvironmentID() string {
	id := tx.st.cfg.ClientID
	if rest := strings.TrimPrefix(id, fixtures.PrefixClient); len(rest) == ulid.EncodedSize {
		if _, err := ulid.ParseStrict(rest); err == nil {
			return "environment_" + rest
		}
	}
	return "environment_" + deriveULID("environment/"+id, time.Unix(0, 0))
}

// flagEventData is the flag as its events carry it: the object with the
// environment's id.
func (tx *Tx) flagEventData(f *Flag) wire.Object {
	o := f.Object()
	return append(o[:2:2], append(wire.Object{{"environment_id", tx.EnvironmentID()}}, o[2:]...)...)
}

// configuredTargets renders a flag's targets as its rule events do, with
// each organization's name and each user's e-mail (targets since deleted
// are left out).
func (tx *Tx) configuredTargets(orgIDs, userIDs []string) wire.Object {
	orgs, users := []wire.Object{}, []wire.Object{}
	for _, id := range orgIDs {
		if o := tx.w.orgs[id]; o != nil {
			orgs = append(orgs, wire.Object{{"id", id}, {"name", o.Name}})
		}
	}
	for _, id := range userIDs {
		if u := tx.w.users[id]; u != nil {
			users = append(users, wire.Object{{"id", id}, {"email", u.Email}})
		}
	}
	return wire.Object{{"organizations", orgs}, {"users", users}}
}

// AddFlag registers a flag and emits flag.created.
func (tx *Tx) AddFlag(f *Flag, actor FlagActor) {
	fs := &tx.w.flags
	f.targets = make(map[string]bool, len(f.Orgs)+len(f.Users))
	for _, id := range append(slices.Clone(f.Orgs), f.Users...) {
		f.targets[id] = true
	}
	f.Seq = tx.w.nextSeq(f.ID)
	fs.bySlug[f.Slug] = f
	fs.order = append(fs.order, f)
	tx.EmitWithContext("flag.created", "", tx.flagEventData(f), tx.flagContext(actor))
}

// SetFlagEnabled turns a flag on or off for the environment, emitting
// flag.rule_updated when that changes anything.
func (tx *Tx) SetFlagEnabled(f *Flag, enabled bool, actor FlagActor) {
	if f.Enabled == enabled {
		return
	}
	prev := wire.Object{{"data", wire.Object{{"enabled", f.Enabled}}}}
	f.Enabled = enabled
	f.UpdatedAt = tx.now
	tx.emitRuleUpdated(f, actor, prev)
}

// SetFlagTarget adds (on) or removes a user or organization target,
// emitting flag.rule_updated when that changes anything. isOrg says which
// kind id is.
func (tx *Tx) SetFlagTarget(f *Flag, id string, isOrg, on bool, actor FlagActor) {
	if f.Targets(id) == on {
		return
	}
	prev := wire.Object{{"context", wire.Object{{"access_type", f.AccessType()},
		{"configured_targets", tx.configuredTargets(f.Orgs, f.Users)}}}}
	list := &f.Users
	if isOrg {
		list = &f.Orgs
	}
	if on {
		*list = append(slices.Clone(*list), id)
		f.targets[id] = true
	} else {
		*list = Without(*list, id)
		delete(f.targets, id)
	}
	f.UpdatedAt = tx.now
	tx.emitRuleUpdated(f, actor, prev)
}

func (tx *Tx) emitRuleUpdated(f *Flag, actor FlagActor, prev wire.Object) {
	ctx := append(tx.flagContext(actor), wire.KV{"access_type", f.AccessType()},
		wire.KV{"configured_targets", tx.configuredTargets(f.Orgs, f.Users)}, wire.KV{"previous_attributes", prev})
	tx.EmitWithContext("flag.rule_updated", "", tx.flagEventData(f), ctx)
}

// seedFeatureFlags adds a fixture's flags. Flags added at run time emit
// flag.created (those of the loaded world do not: a reset emits nothing).
func (tx *Tx) seedFeatureFlags(list []fixtures.FeatureFlag) error {
	for i := range list {
		ff := &list[i]
		if tx.Flag(ff.Slug) != nil {
			return fmt.Errorf("feature flag %s already exists", ff.Slug)
		}
		created := at(ff.CreatedAt, tx.now)
		tx.AddFlag(&Flag{ID: ff.ID, Slug: ff.Slug, Name: ff.Name, Description: ff.Description, Tags: slices.Clone(ff.Tags),
			Enabled: ff.Enabled, DefaultValue: ff.DefaultValue, Orgs: slices.Clone(ff.Organizations), Users: slices.Clone(ff.Users),
			CreatedAt: created, UpdatedAt: at(ff.UpdatedAt, created)}, FlagActor{ID: tx.st.cfg.ClientID, Source: "system"})
	}
	return nil
}

// snapshotFeatureFlags writes the flags in creation order with their
// targets in the order they were added (targets since deleted are left
// out: they match no one, and could not load).
func snapshotFeatureFlags(tx *Tx, set *fixtures.Set) {
	for _, f := range tx.w.flags.order {
		ff := fixtures.FeatureFlag{ID: f.ID, Slug: f.Slug, Name: f.Name, Description: f.Description, Tags: slices.Clone(f.Tags),
			Enabled: f.Enabled, DefaultValue: f.DefaultValue, CreatedAt: stamp(f.CreatedAt), UpdatedAt: stamp(f.UpdatedAt)}
		ff.Organizations = slices.DeleteFunc(slices.Clone(f.Orgs), func(id string) bool { return !tx.orgExists(id) })
		ff.Users = slices.DeleteFunc(slices.Clone(f.Users), func(id string) bool { return !tx.userExists(id) })
		set.FeatureFlags = append(set.FeatureFlags, ff)
	}
}
