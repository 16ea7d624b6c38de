package store

import (
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authkit-emulator/authkit-emulator/fixtures"
)

// Radar: every sign-in attempt (the API's first-factor grants, the hosted
// login page) and every standalone assessment (POST /radar/attempts) is
// assessed here and recorded with its verdict. The verdict comes, in this
// order, from the allow lists, the block lists, and the control-plane
// switch that makes the next attempts challenge or block; otherwise it is
// allow. The emulator has no risk engine: nothing else blocks.

// Radar verdicts.
const (
	RadarAllow     = "allow"
	RadarBlock     = "block"
	RadarChallenge = "challenge"
)

// Radar challenge kinds: an e-mailed code (the default) or an SMS code.
const (
	RadarChallengeEmail = "email"
	RadarChallengeSMS   = "sms"
)

// Outbox kinds of Radar's codes, and their id prefixes.
const (
	KindRadarChallenge     = "radar_challenge"
	KindRadarSMS           = "radar_sms"
	PrefixRadarChallenge   = "radar_challenge_"
	PrefixRadarSMS         = "vrf_"
	PrefixRadarAttempt     = "radar_att_"
	PrefixRadarAuthAttempt = "radar_auth_attempt_"
)

// RadarListTypes are the spec's list types, in its order.
var RadarListTypes = fixtures.RadarListTypes

// maxRadarAttempts bounds the attempts kept (the oldest leave first), so a
// long load run's memory stays flat.
const maxRadarAttempts = 10_000

// RadarInput is what an assessment sees of an attempt.
type RadarInput struct {
	Source     string // "api" (POST /radar/attempts), "authenticate", "hosted"
	IP         string
	UserAgent  string
	Email      string
	UserID     string
	AuthMethod string // the spec's auth_method: Password, Email_OTP, ...
	Action     string // sign-in or sign-up
	DeviceID   string
	SignalsID  string
}

// RadarAttempt is one assessed attempt and its verdict.
type RadarAttempt struct {
	RadarInput
	Seq           uint64
	ID            string
	Verdict       string
	Reason        string
	Control       string // set for block and challenge
	BlocklistType string // set when a list entry decided
	Challenge     string // the challenge kind, for a challenge
	// AttemptStatus and ChallengeStatus are "success" once reported (PUT
	// /radar/attempts/{id}) or once the sign-in or its challenge completed.
	AttemptStatus   string
	ChallengeStatus string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// RadarSwitch is the control plane's override of the next verdicts.
type RadarSwitch struct {
	Verdict   string // challenge or block
	Challenge string // email or sms, for challenge
	Control   string // the control reported (default bot_detection for block, unrecognized_device for challenge)
	// Remaining counts the attempts still to override; 0 means every
	// attempt until the switch is cleared.
	Remaining int
	Unlimited bool
}

type radarState struct {
	// assessed counts assessments: attempt ids derive from it (see
	// AssessRadar).
	assessed uint64
	attempts []*RadarAttempt
	byID     map[string]*RadarAttempt
	// records and strings hold the attempts (see blocks.go).
	records blocks[RadarAttempt]
	strings interner
	bytes   byteBlocks
	// lists are the allow and block lists: "type/action" -> normalized entries.
	lists map[string]map[string]bool
	sw    *RadarSwitch
}

func newRadarState() radarState {
	return radarState{byID: map[string]*RadarAttempt{}, lists: map[string]map[string]bool{}}
}

// NormalizeRadarEntry is how list entries compare: e-mails, domains and
// countries case-insensitively, IPs and prefixes in canonical form, the rest
// as given.
func NormalizeRadarEntry(typ, entry string) string {
	entry = strings.TrimSpace(entry)
	switch typ {
	case "email", "domain":
		return strings.ToLower(entry)
	case "country":
		return strings.ToUpper(entry)
	case "ip_address":
		if p, err := netip.ParsePrefix(entry); err == nil {
			return p.Masked().String()
		}
		if a, err := netip.ParseAddr(entry); err == nil {
			return a.Unmap().String()
		}
	}
	return entry
}

// RadarListHas reports whether a list holds an entry.
func (tx *Tx) RadarListHas(typ, action, entry string) bool {
	return tx.w.radar.lists[typ+"/"+action][NormalizeRadarEntry(typ, entry)]
}

// AddRadarListEntry adds an entry to a list; false when it was there.
func (tx *Tx) AddRadarListEntry(typ, action, entry string) bool {
	k, e := typ+"/"+action, NormalizeRadarEntry(typ, entry)
	l := tx.w.radar.lists[k]
	if l == nil {
		l = map[string]bool{}
		tx.w.radar.lists[k] = l
	}
	if l[e] {
		return false
	}
	l[e] = true
	return true
}

// RemoveRadarListEntry removes an entry from a list; false when it was not
// there.
func (tx *Tx) RemoveRadarListEntry(typ, action, entry string) bool {
	l, e := tx.w.radar.lists[typ+"/"+action], NormalizeRadarEntry(typ, entry)
	if !l[e] {
		return false
	}
	delete(l, e)
	return true
}

// RadarLists is every list's entries by "type/action" (a copy).
func (tx *Tx) RadarLists() map[string][]string {
	out := map[string][]string{}
	for k, l := range tx.w.radar.lists {
		for e := range l {
			out[k] = append(out[k], e)
		}
	}
	return out
}

// listMatch is the list type of action's list that matches the input, or "".
func (tx *Tx) listMatch(in RadarInput, action string) string {
	lists := tx.w.radar.lists
	if len(lists) == 0 {
		return ""
	}
	has := func(typ, v string) bool {
		l := lists[typ+"/"+action]
		return v != "" && len(l) > 0 && l[NormalizeRadarEntry(typ, v)]
	}
	if ip, err := netip.ParseAddr(strings.TrimSpace(in.IP)); err == nil {
		ip = ip.Unmap()
		if has("ip_address", ip.String()) {
			return "ip_address"
		}
		for e := range lists["ip_address/"+action] {
			if p, err := netip.ParsePrefix(e); err == nil && p.Contains(ip) {
				return "ip_address"
			}
		}
	}
	if has("email", in.Email) {
		return "email"
	}
	if at := strings.LastIndexByte(in.Email, '@'); at >= 0 && has("domain", in.Email[at+1:]) {
		return "domain"
	}
	switch {
	case has("user_agent", in.UserAgent):
		return "user_agent"
	case has("device", in.DeviceID):
		return "device"
	case has("device_fingerprint", in.SignalsID):
		return "device_fingerprint"
	}
	return ""
}

// AssessRadar decides and records the verdict of an attempt: an allow-list
// match allows it; a block-list match blocks it (control restriction); the
// switch, while set, overrides the verdict (and counts down); anything else
// is allowed. idPrefix names the attempt (radar_att_ for the standalone
// API, radar_auth_attempt_ for sign-ins).
func (tx *Tx) AssessRadar(in RadarInput, idPrefix string) *RadarAttempt {
	r := &tx.w.radar
	// The id derives from a count instead of drawing from the seeded
	// stream: recording every sign-in must not shift the ids and tokens a
	// scenario got before Radar existed.
	r.assessed++
	id := idPrefix + deriveULID("radar_attempt/"+strconv.FormatUint(r.assessed, 10), tx.now)
	for _, s := range []*string{&in.Source, &in.IP, &in.UserAgent, &in.Email, &in.UserID, &in.AuthMethod, &in.Action, &in.DeviceID, &in.SignalsID} {
		*s = r.strings.get(*s)
	}
	a := r.records.new()
	*a = RadarAttempt{RadarInput: in, ID: r.bytes.str(id), Verdict: RadarAllow,
		Reason: "No Radar control was triggered.", CreatedAt: tx.now, UpdatedAt: tx.now}
	switch {
	case tx.listMatch(in, "allow") != "":
		a.Reason = "The attempt matched a Radar allow list entry."
	case tx.listMatch(in, "block") != "":
		a.BlocklistType = tx.listMatch(in, "block")
		a.Verdict, a.Control, a.Reason = RadarBlock, "restriction", "The attempt matched a Radar block list entry ("+a.BlocklistType+")."
	case r.sw != nil:
		sw := r.sw
		a.Verdict, a.Control, a.Reason = sw.Verdict, sw.Control, "Detected enabled Radar control (set by the emulator's control plane)."
		if a.Verdict == RadarChallenge {
			a.Challenge = sw.Challenge
		}
		if !sw.Unlimited {
			if sw.Remaining--; sw.Remaining <= 0 {
				r.sw = nil
			}
		}
	}
	a.Seq = tx.w.nextSeq(a.ID)
	r.attempts = append(r.attempts, a)
	r.byID[a.ID] = a
	// Trimmed in batches of an eighth of the cap: copying the kept part
	// costs O(1) per attempt, and at most 12.5 % more than the cap is kept.
	if len(r.attempts) > maxRadarAttempts+maxRadarAttempts/8 {
		drop := len(r.attempts) - maxRadarAttempts
		for _, old := range r.attempts[:drop] {
			delete(r.byID, old.ID)
			tx.w.forgetSeq(old.ID, tx.now)
		}
		r.attempts = append([]*RadarAttempt(nil), r.attempts[drop:]...)
	}
	return a
}

// RadarAttempt is the attempt with that id, or nil.
func (tx *Tx) RadarAttempt(id string) *RadarAttempt { return tx.w.radar.byID[id] }

// RadarAttempts lists the retained attempts, oldest first. The slice is the
// index: do not change it.
func (tx *Tx) RadarAttempts() []*RadarAttempt { return tx.w.radar.attempts }

// RadarSucceeded records that an attempt's sign-in completed.
func (tx *Tx) RadarSucceeded(id string) {
	if a := tx.RadarAttempt(id); a != nil {
		a.AttemptStatus, a.UpdatedAt = "success", tx.now
	}
}

// RadarChallengePassed records that an attempt's challenge was passed.
func (tx *Tx) RadarChallengePassed(id string) {
	if a := tx.RadarAttempt(id); a != nil {
		a.ChallengeStatus, a.UpdatedAt = "success", tx.now
	}
}

// SetRadarSwitch makes the next attempts (n of them, or every one when n is
// 0) get verdict, until cleared. nil clears it.
func (tx *Tx) SetRadarSwitch(sw *RadarSwitch) { tx.w.radar.sw = sw }

// RadarSwitchState is the switch, or nil when none is set (a copy).
func (tx *Tx) RadarSwitchState() *RadarSwitch {
	if sw := tx.w.radar.sw; sw != nil {
		c := *sw
		return &c
	}
	return nil
}

// SendRadarChallenge e-mails a Radar challenge code to a user (the spec's
// RadarChallenge is a view of the entry).
func (tx *Tx) SendRadarChallenge(u *User) *OutboxEntry {
	return tx.SendCode(KindRadarChallenge, PrefixRadarChallenge, u)
}

// SendRadarSMS texts a Radar challenge code to a phone on behalf of a user:
// the outbox keeps it under the user's e-mail, with the phone number.
func (tx *Tx) SendRadarSMS(u *User, phone string) *OutboxEntry {
	e := &OutboxEntry{ID: tx.NewID(PrefixRadarSMS), Kind: KindRadarSMS, UserID: u.ID, Email: u.Email, Phone: phone,
		Code: tx.Digits(6), CreatedAt: tx.now, ExpiresAt: tx.now.Add(CodeTTL)}
	tx.Send(e)
	return e
}

// seedRadarLists fills Radar's lists from the environment's radar_lists.
func (tx *Tx) seedRadarLists(lists []fixtures.RadarList) {
	for _, l := range lists {
		for _, e := range l.Entries {
			tx.AddRadarListEntry(l.Type, l.Action, e)
		}
	}
}

// snapshotRadarLists writes Radar's non-empty lists, in the spec's order
// of types, allow before block, each list's entries sorted. The attempts
// and the control plane's switch are not fixture state.
func snapshotRadarLists(tx *Tx, set *fixtures.Set) {
	set.Environment.RadarLists = nil
	for _, typ := range RadarListTypes {
		for _, action := range []string{"allow", "block"} {
			l := tx.w.radar.lists[typ+"/"+action]
			if len(l) == 0 {
				continue
			}
			set.Environment.RadarLists = append(set.Environment.RadarLists,
				fixtures.RadarList{Type: typ, Action: action, Entries: slices.Sorted(maps.Keys(l))})
		}
	}
}
