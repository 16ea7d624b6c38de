package store

import (
	"cmp"
	"fmt"
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Audit Logs: actions and their versioned schemas, the events ingested per
// organization, retention, exports and their presigned download URLs, and
// the idempotency keys of POST /audit_logs/events. Every collection is
// bounded (the constants below), so a long-running instance's memory stays
// flat however many events it is sent.

// Audit Logs bounds and periods.
const (
	// MaxAuditEventsPerOrg is how many events an organization keeps; past
	// it the oldest leave first (retention also evicts by age).
	MaxAuditEventsPerOrg = 10_000
	// MaxAuditExports is how many exports are kept; the oldest leave first.
	MaxAuditExports = 100
	// MaxExportURLs is how many live download URLs one export keeps.
	MaxExportURLs = 5
	// ExportURLValidity is how long a download URL works (WorkOS: 10 minutes).
	ExportURLValidity = 10 * time.Minute
	// IdempotencyValidity is how long an Idempotency-Key is remembered
	// (WorkOS: 24 hours).
	IdempotencyValidity = 24 * time.Hour
	// MaxIdempotencyKeys bounds the keys remembered; the oldest leave first.
	MaxIdempotencyKeys = 10_000
	// DefaultAuditRetentionDays is an organization's retention until it is set.
	DefaultAuditRetentionDays = 30
)

// Audit Logs id prefixes. Actions and schemas are never shown with an id;
// theirs are the list cursors (the spec's examples use these prefixes).
const (
	PrefixAuditLogAction = "ala_"
	PrefixAuditLogSchema = "als_"
	PrefixAuditLogExport = "audit_log_export_"
)

// AuditLogSchema is one version of an action's schema. The metadata
// members are JSON Schemas as given (nil when absent), compiled for
// validation.
type AuditLogSchema struct {
	Seq       uint64
	ID        string
	Version   int
	Actor     map[string]any // the actor's metadata schema; nil: no actor member
	HasActor  bool
	Targets   []AuditLogSchemaTarget
	Metadata  map[string]any
	CreatedAt time.Time

	actor    *fixtures.MetadataSchema
	metadata *fixtures.MetadataSchema
}

// AuditLogSchemaTarget is a target type of a schema, with the compiled
// schema of its metadata (nil: any).
type AuditLogSchemaTarget struct {
	Type     string
	Metadata map[string]any
	compiled *fixtures.MetadataSchema
}

// ListKey orders schemas by creation.
func (s *AuditLogSchema) ListKey() (uint64, string) { return s.Seq, s.ID }

// ActorSchema is the compiled schema of the actor's metadata (nil: any).
func (s *AuditLogSchema) ActorSchema() *fixtures.MetadataSchema { return s.actor }

// MetadataSchema is the compiled schema of the event's metadata (nil: any).
func (s *AuditLogSchema) MetadataSchema() *fixtures.MetadataSchema { return s.metadata }

// Target is the schema's target type typ, or nil.
func (s *AuditLogSchema) Target(typ string) *AuditLogSchemaTarget {
	for i := range s.Targets {
		if s.Targets[i].Type == typ {
			return &s.Targets[i]
		}
	}
	return nil
}

// Compiled is the compiled schema of the target's metadata (nil: any).
func (t *AuditLogSchemaTarget) Compiled() *fixtures.MetadataSchema { return t.compiled }

// Object renders the WorkOS audit_log_schema.
func (s *AuditLogSchema) Object() wire.Object {
	targets := make([]wire.Object, len(s.Targets))
	for i, t := range s.Targets {
		targets[i] = wire.Object{{"type", t.Type}}
		if t.Metadata != nil {
			targets[i] = append(targets[i], wire.KV{"metadata", t.Metadata})
		}
	}
	o := wire.Object{{"object", "audit_log_schema"}, {"version", s.Version}}
	if s.HasActor {
		o = append(o, wire.KV{"actor", wire.Object{{"metadata", attributes(s.Actor)}}})
	}
	o = append(o, wire.KV{"targets", targets})
	if s.Metadata != nil {
		o = append(o, wire.KV{"metadata", s.Metadata})
	}
	return append(o, wire.KV{"created_at", wire.Time(s.CreatedAt)})
}

// AuditLogAction is an action events can be sent for, with its schema
// versions (oldest first).
type AuditLogAction struct {
	Seq       uint64
	ID        string
	Name      string
	Schemas   []*AuditLogSchema
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListKey orders actions by creation.
func (a *AuditLogAction) ListKey() (uint64, string) { return a.Seq, a.ID }

// Schema is version v of the action's schema, or nil.
func (a *AuditLogAction) Schema(v int) *AuditLogSchema {
	if v < 1 || v > len(a.Schemas) {
		return nil
	}
	return a.Schemas[v-1]
}

// Object renders the WorkOS audit_log_action, with its latest schema.
func (a *AuditLogAction) Object() wire.Object {
	return wire.Object{{"object", "audit_log_action"}, {"name", a.Name}, {"schema", a.Schemas[len(a.Schemas)-1].Object()},
		{"created_at", wire.Time(a.CreatedAt)}, {"updated_at", wire.Time(a.UpdatedAt)}}
}

// AuditEvent is an ingested Audit Log event.
type AuditEvent struct {
	// Seq numbers the events in the order they were stored, across
	// organizations: WorkOS gives them no id, and the inspector needs one.
	Seq           uint64
	OrgID         string
	Action        string
	Version       int
	OccurredAt    time.Time
	ActorID       string
	ActorType     string
	ActorName     string
	ActorMetadata map[string]any
	Targets       []AuditTarget
	Location      string
	UserAgent     string
	Metadata      map[string]any
	CreatedAt     time.Time
}

// AuditTarget is a target of an event.
type AuditTarget struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Name     string         `json:"name,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Audit export states.
const (
	ExportPending = "pending"
	ExportReady   = "ready"
)

// AuditExport is an export of an organization's events: the events it
// selected when it was created, in occurred_at order.
type AuditExport struct {
	Seq       uint64
	ID        string
	OrgID     string
	State     string
	Events    []*AuditEvent
	URL       string // the latest download URL ("" until ready)
	CreatedAt time.Time
	UpdatedAt time.Time
	tokens    []string // live download tokens, oldest first
}

// Object renders the WorkOS audit_log_export.
func (e *AuditExport) Object() wire.Object {
	o := wire.Object{{"object", "audit_log_export"}, {"id", e.ID}, {"state", e.State}}
	if e.State == ExportReady {
		o = append(o, wire.KV{"url", e.URL})
	}
	return append(o, wire.KV{"created_at", wire.Time(e.CreatedAt)}, wire.KV{"updated_at", wire.Time(e.UpdatedAt)})
}

// exportDownload is a presigned download URL's token.
type exportDownload struct {
	export    *AuditExport
	expiresAt time.Time
}

// idempotencyKey is an Idempotency-Key POST /audit_logs/events saw, with
// the digest of the request it came with.
type idempotencyKey struct {
	key, digest string
	at          time.Time
}

type auditState struct {
	actions     map[string]*AuditLogAction
	actionOrder []*AuditLogAction
	events      map[string][]*AuditEvent // by organization, oldest first
	retention   map[string]int           // by organization, days
	exports     map[string]*AuditExport
	exportOrder []*AuditExport
	downloads   map[string]*exportDownload // by token
	idem        map[string]*idempotencyKey
	idemOrder   []*idempotencyKey
	stored      uint64 // events stored so far: the last AuditEvent.Seq
}

func newAuditState() auditState {
	return auditState{actions: map[string]*AuditLogAction{}, events: map[string][]*AuditEvent{}, retention: map[string]int{},
		exports: map[string]*AuditExport{}, downloads: map[string]*exportDownload{}, idem: map[string]*idempotencyKey{}}
}

// AuditLogAction is the action with that name, or nil.
func (tx *Tx) AuditLogAction(name string) *AuditLogAction { return tx.w.audit.actions[name] }

// AuditLogActions lists the actions in creation order. The slice is the
// index: do not change it.
func (tx *Tx) AuditLogActions() []*AuditLogAction { return tx.w.audit.actionOrder }

// AuditLogSchemaInput is a schema as POST .../schemas and the fixtures
// give it, already checked.
type AuditLogSchemaInput struct {
	Actor    map[string]any
	HasActor bool
	Targets  []AuditLogSchemaTarget
	Metadata map[string]any
}

// AddAuditLogSchema adds the next version of action name's schema,
// creating the action if needed. The schemas must compile (the caller
// checked them with fixtures.ParseMetadataSchema).
func (tx *Tx) AddAuditLogSchema(name string, in AuditLogSchemaInput) (*AuditLogSchema, error) {
	return tx.addAuditLogSchema(name, in, "", "", tx.now)
}

// addAuditLogSchema is AddAuditLogSchema with the ids (generated when "")
// and the time of the schema (and of the action, if it makes it).
func (tx *Tx) addAuditLogSchema(name string, in AuditLogSchemaInput, actionID, schemaID string, now time.Time) (*AuditLogSchema, error) {
	s := &AuditLogSchema{Actor: in.Actor, HasActor: in.HasActor, Metadata: in.Metadata, CreatedAt: now}
	var err error
	compile := func(m map[string]any) *fixtures.MetadataSchema {
		if m == nil || err != nil {
			return nil
		}
		var c *fixtures.MetadataSchema
		c, err = fixtures.ParseMetadataSchema(m)
		return c
	}
	s.actor, s.metadata = compile(in.Actor), compile(in.Metadata)
	for _, t := range in.Targets {
		t.compiled = compile(t.Metadata)
		s.Targets = append(s.Targets, t)
	}
	if err != nil {
		return nil, err
	}
	a := tx.w.audit.actions[name]
	if a == nil {
		a = &AuditLogAction{ID: cmp.Or(actionID, tx.NewID(PrefixAuditLogAction)), Name: name, CreatedAt: now}
		a.Seq = tx.w.nextSeq(a.ID)
		tx.w.audit.actions[name] = a
		tx.w.audit.actionOrder = append(tx.w.audit.actionOrder, a)
	}
	s.ID, s.Version = cmp.Or(schemaID, tx.NewID(PrefixAuditLogSchema)), len(a.Schemas)+1
	s.Seq = tx.w.nextSeq(s.ID)
	a.Schemas = append(a.Schemas, s)
	a.UpdatedAt = now
	return s, nil
}

// seedAuditLogActions adds a fixture's actions, each with its schema
// versions (version 1 alone, unless it lists schemas).
func (tx *Tx) seedAuditLogActions(list []fixtures.AuditLogAction) error {
	for _, f := range list {
		if tx.AuditLogAction(f.Name) != nil {
			return fmt.Errorf("audit log action %s already exists", f.Name)
		}
		created := at(f.CreatedAt, tx.now)
		for _, v := range f.Versions() {
			in := AuditLogSchemaInput{Metadata: v.Metadata}
			if v.Actor != nil {
				in.HasActor, in.Actor = true, v.Actor.Metadata
			}
			for _, t := range v.Targets {
				in.Targets = append(in.Targets, AuditLogSchemaTarget{Type: t.Type, Metadata: t.Metadata})
			}
			if _, err := tx.addAuditLogSchema(f.Name, in, f.ID, v.ID, at(v.CreatedAt, created)); err != nil {
				return fmt.Errorf("audit log action %s: %v", f.Name, err)
			}
		}
		a := tx.AuditLogAction(f.Name)
		a.CreatedAt, a.UpdatedAt = created, at(f.UpdatedAt, a.UpdatedAt)
	}
	return nil
}

// seedAuditLogEvents sets the organizations' retention and adds the
// fixture's events to their organizations' logs (those past the
// retention leave at once, as they would have).
func (tx *Tx) seedAuditLogEvents(set *fixtures.Set) error {
	a := &tx.w.audit
	for _, o := range set.Organizations {
		if o.AuditLogRetentionDays != 0 {
			a.retention[o.ID] = o.AuditLogRetentionDays
		}
	}
	touched := map[string]bool{}
	for _, f := range set.AuditLogEvents {
		if tx.w.orgs[f.OrganizationID] == nil {
			return fmt.Errorf("audit log event: organization %s does not exist", f.OrganizationID)
		}
		occurred, _ := f.OccurredAt.Time()
		e := &AuditEvent{OrgID: f.OrganizationID, Action: f.Action, Version: max(f.Version, 1), OccurredAt: occurred.UTC(),
			ActorID: f.Actor.ID, ActorType: f.Actor.Type, ActorName: f.Actor.Name, ActorMetadata: f.Actor.Metadata,
			Location: f.Context.Location, UserAgent: f.Context.UserAgent, Metadata: f.Metadata, CreatedAt: at(f.CreatedAt, tx.now)}
		for _, t := range f.Targets {
			e.Targets = append(e.Targets, AuditTarget{ID: t.ID, Type: t.Type, Name: t.Name, Metadata: t.Metadata})
		}
		a.events[e.OrgID] = append(a.events[e.OrgID], e)
		touched[e.OrgID] = true
	}
	for _, o := range set.Organizations {
		if o.AuditLogRetentionDays != 0 {
			touched[o.ID] = true
		}
	}
	for id := range touched {
		tx.trimAuditEvents(id)
	}
	return nil
}

// snapshotAuditLogs writes the actions with every schema version, and each
// organization's retained events (retention is the organization's:
// snapshotOrganizations). Exports, their download links and the
// Idempotency-Keys seen are not fixture state.
func snapshotAuditLogs(tx *Tx, set *fixtures.Set) {
	for _, a := range tx.w.audit.actionOrder {
		fa := fixtures.AuditLogAction{ID: a.ID, Name: a.Name, CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt)}
		for _, s := range a.Schemas {
			fs := fixtures.AuditLogSchema{ID: s.ID, Metadata: plain(s.Metadata), CreatedAt: stamp(s.CreatedAt)}
			if s.HasActor {
				fs.Actor = &fixtures.AuditLogActor{Metadata: plain(s.Actor)}
			}
			for _, t := range s.Targets {
				fs.Targets = append(fs.Targets, fixtures.AuditLogTarget{Type: t.Type, Metadata: plain(t.Metadata)})
			}
			fa.Schemas = append(fa.Schemas, fs)
		}
		set.AuditLogActions = append(set.AuditLogActions, fa)
	}
	for _, o := range tx.w.orgOrder {
		for _, e := range tx.w.audit.events[o.ID] {
			fe := fixtures.AuditLogEvent{OrganizationID: e.OrgID, Action: e.Action, Version: e.Version, OccurredAt: stamp(e.OccurredAt),
				Actor:   fixtures.AuditLogEventActor{ID: e.ActorID, Type: e.ActorType, Name: e.ActorName, Metadata: plain(e.ActorMetadata)},
				Context: fixtures.AuditLogEventContext{Location: e.Location, UserAgent: e.UserAgent}, Metadata: plain(e.Metadata),
				CreatedAt: stamp(e.CreatedAt)}
			for _, t := range e.Targets {
				fe.Targets = append(fe.Targets, fixtures.AuditLogEventTarget{ID: t.ID, Type: t.Type, Name: t.Name, Metadata: plain(t.Metadata)})
			}
			set.AuditLogEvents = append(set.AuditLogEvents, fe)
		}
	}
}

// AuditRetentionDays is an organization's event retention, in days.
func (tx *Tx) AuditRetentionDays(orgID string) int {
	if d, ok := tx.w.audit.retention[orgID]; ok {
		return d
	}
	return DefaultAuditRetentionDays
}

// SetAuditRetentionDays sets an organization's event retention; events
// older than it leave.
func (tx *Tx) SetAuditRetentionDays(orgID string, days int) {
	tx.w.audit.retention[orgID] = days
	tx.trimAuditEvents(orgID)
}

// AddAuditEvent stores an event of its organization, evicting what the
// retention and the cap let go.
func (tx *Tx) AddAuditEvent(e *AuditEvent) {
	e.CreatedAt = tx.now
	tx.w.audit.stored++
	e.Seq = tx.w.audit.stored
	tx.w.audit.events[e.OrgID] = append(tx.w.audit.events[e.OrgID], e)
	tx.trimAuditEvents(e.OrgID)
}

// AuditEvents lists an organization's retained events, oldest first. The
// slice is the index: do not change it.
func (tx *Tx) AuditEvents(orgID string) []*AuditEvent { return tx.w.audit.events[orgID] }

func (tx *Tx) trimAuditEvents(orgID string) {
	list := tx.w.audit.events[orgID]
	cutoff := tx.now.Add(-time.Duration(tx.AuditRetentionDays(orgID)) * 24 * time.Hour)
	drop := 0
	for drop < len(list) && (len(list)-drop > MaxAuditEventsPerOrg || list[drop].CreatedAt.Before(cutoff)) {
		list[drop] = nil
		drop++
	}
	switch {
	case drop == len(list):
		delete(tx.w.audit.events, orgID)
	case drop > 0:
		tx.w.audit.events[orgID] = list[drop:]
	}
}

// SeenIdempotencyKey looks an Idempotency-Key up: known reports whether
// it was used in the last 24 hours, same whether with the same request
// digest.
func (tx *Tx) SeenIdempotencyKey(key, digest string) (known, same bool) {
	k := tx.w.audit.idem[key]
	if k == nil || !tx.now.Before(k.at.Add(IdempotencyValidity)) {
		return false, false
	}
	return true, k.digest == digest
}

// RememberIdempotencyKey records that key answered a request with digest.
func (tx *Tx) RememberIdempotencyKey(key, digest string) {
	a := &tx.w.audit
	for len(a.idemOrder) > 0 && (len(a.idemOrder) >= MaxIdempotencyKeys || !tx.now.Before(a.idemOrder[0].at.Add(IdempotencyValidity))) {
		old := a.idemOrder[0]
		if a.idem[old.key] == old {
			delete(a.idem, old.key)
		}
		a.idemOrder[0] = nil
		a.idemOrder = a.idemOrder[1:]
	}
	k := &idempotencyKey{key: key, digest: digest, at: tx.now}
	a.idem[key] = k
	a.idemOrder = append(a.idemOrder, k)
}

// AddAuditExport stores a new export, evicting the oldest past the cap.
func (tx *Tx) AddAuditExport(e *AuditExport) {
	a := &tx.w.audit
	e.Seq = tx.w.nextSeq(e.ID)
	a.exports[e.ID] = e
	a.exportOrder = append(a.exportOrder, e)
	for len(a.exportOrder) > MaxAuditExports {
		old := a.exportOrder[0]
		for _, t := range old.tokens {
			delete(a.downloads, t)
		}
		delete(a.exports, old.ID)
		tx.w.forgetSeq(old.ID, tx.now)
		a.exportOrder[0] = nil
		a.exportOrder = a.exportOrder[1:]
	}
}

// AuditExport is the export with that id, or nil.
func (tx *Tx) AuditExport(id string) *AuditExport { return tx.w.audit.exports[id] }

// NewExportURL readies an export (if pending) and gives it a fresh
// download URL, valid ExportURLValidity, under base (the public URL).
func (tx *Tx) NewExportURL(e *AuditExport, base string) {
	a := &tx.w.audit
	if e.State == ExportPending {
		e.State, e.UpdatedAt = ExportReady, tx.now
	}
	live := e.tokens[:0]
	for _, t := range e.tokens {
		if d := a.downloads[t]; d != nil && tx.now.Before(d.expiresAt) {
			live = append(live, t)
		} else {
			delete(a.downloads, t)
		}
	}
	for len(live) >= MaxExportURLs {
		delete(a.downloads, live[0])
		live = live[1:]
	}
	token := tx.Token(40)
	a.downloads[token] = &exportDownload{export: e, expiresAt: tx.now.Add(ExportURLValidity)}
	e.tokens = append(live, token)
	e.URL = base + "/audit-log-exports/" + token + ".csv"
}

// ExportByToken is the export a download token opens, or nil when the
// token is unknown or expired (expired reports which).
func (tx *Tx) ExportByToken(token string) (e *AuditExport, expired bool) {
	d := tx.w.audit.downloads[token]
	if d == nil {
		return nil, false
	}
	if !tx.now.Before(d.expiresAt) {
		return nil, true
	}
	return d.export, false
}
