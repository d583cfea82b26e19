package sitrep

import "testing"

func TestAllowedMatrix(t *testing.T) {
	// The whole matrix, written out: a change to Allowed must change this table.
	want := map[Action][3]bool{ // admin, responder, viewer
		ActionRead:        {true, true, true},
		ActionIncidents:   {true, true, false},
		ActionMaintenance: {true, true, false},
		ActionPostmortems: {true, true, false},
		ActionAcks:        {true, true, false},
		ActionSubscribers: {true, true, false},
		ActionUsers:       {true, false, false},
		ActionTokens:      {true, false, false},
		ActionSettings:    {true, false, false},
		ActionAudit:       {true, false, false},
	}
	if len(want) != len(Actions) {
		t.Fatalf("matrix has %d actions, Actions lists %d", len(want), len(Actions))
	}
	roles := []Role{RoleAdmin, RoleResponder, RoleViewer}
	for _, a := range Actions {
		for i, r := range roles {
			t.Run(string(r)+"/"+string(a), func(t *testing.T) {
				if got := Allowed(r, a); got != want[a][i] {
					t.Errorf("Allowed(%s, %s) = %v, want %v", r, a, got, want[a][i])
				}
			})
		}
	}
	for _, a := range append(Actions, "unknown") {
		if Allowed("", a) || Allowed("root", a) {
			t.Errorf("an unknown role is allowed %s", a)
		}
	}
}
