package emulator

import (
	"time"

	"github.com/authkit-emulator/authkit-emulator/emulator/internal/radar"
)

// RadarSwitch makes the next sign-in attempts get a Radar verdict, as POST
// /_emulator/radar does.
type RadarSwitch struct {
	// Verdict is "challenge" or "block".
	Verdict string `json:"verdict"`
	// Count is how many attempts the switch overrides; 0 means every attempt
	// until ClearRadar.
	Count int `json:"count"`
	// Challenge is the challenge kind for a challenge: "email" (default) or
	// "sms".
	Challenge string `json:"challenge,omitempty"`
	// Control is the Radar control reported (default bot_detection for a
	// block, unrecognized_device for a challenge).
	Control string `json:"control,omitempty"`
}

// RadarAttempt is one attempt Radar assessed (a sign-in at
// /user_management/authenticate or the hosted login, or POST
// /radar/attempts) and its verdict.
type RadarAttempt struct {
	ID              string    `json:"id"`
	Source          string    `json:"source"` // authenticate, hosted or api
	Email           string    `json:"email"`
	UserID          string    `json:"user_id,omitempty"`
	IPAddress       string    `json:"ip_address,omitempty"`
	UserAgent       string    `json:"user_agent,omitempty"`
	AuthMethod      string    `json:"auth_method"`
	Action          string    `json:"action"`
	Verdict         string    `json:"verdict"`
	Reason          string    `json:"reason"`
	Control         string    `json:"control,omitempty"`
	BlocklistType   string    `json:"blocklist_type,omitempty"`
	Challenge       string    `json:"challenge,omitempty"`
	AttemptStatus   string    `json:"attempt_status,omitempty"`
	ChallengeStatus string    `json:"challenge_status,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

// SetRadar makes the next sw.Count sign-in attempts (every one when 0, until
// ClearRadar) get sw.Verdict, after the allow and block lists. Invalid
// switches are 422 errors.
func (s *Server) SetRadar(sw RadarSwitch) (RadarSwitch, error) {
	set, err := radar.SetSwitch(s.st, radar.Switch(sw))
	return RadarSwitch(set), err
}

// ClearRadar clears the Radar switch.
func (s *Server) ClearRadar() { radar.ClearSwitch(s.st) }

// RadarAttempts lists the attempts Radar recorded, newest first; email and
// verdict filter when not empty.
func (s *Server) RadarAttempts(email, verdict string) []RadarAttempt {
	list := radar.Attempts(s.st, email, verdict)
	out := make([]RadarAttempt, len(list))
	for i, a := range list {
		out[i] = RadarAttempt{ID: a.ID, Source: a.Source, Email: a.Email, UserID: a.UserID, IPAddress: a.IP, UserAgent: a.UserAgent,
			AuthMethod: a.AuthMethod, Action: a.Action, Verdict: a.Verdict, Reason: a.Reason, Control: a.Control,
			BlocklistType: a.BlocklistType, Challenge: a.Challenge, AttemptStatus: a.AttemptStatus,
			ChallengeStatus: a.ChallengeStatus, CreatedAt: a.CreatedAt}
	}
	return out
}
