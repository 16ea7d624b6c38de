package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/authkit-emulator/authkit-emulator/emulator"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/emutest"
)

// ctDirectoryWorld is a directory of Acme added at run time (so its
// dsync.activated and provisioning events are logged), with groups mapped
// to roles and users of a verified and an unverified domain.
const ctDirectoryWorld = `
directories:
  - id: directory_01JGK5000000000000000000D1
    name: Acme Okta
    organization_id: ` + emutest.AcmeID + `
    type: okta scim v2.0
    groups:
      - {id: directory_group_01JGK5000000000000000000G1, idp_id: g-eng, name: Engineering, role: admin}
      - {id: directory_group_01JGK5000000000000000000G2, idp_id: g-all, name: Everyone}
    users:
      - id: directory_user_01JGK5000000000000000000A1
        idp_id: u-dana
        email: dana@acme.test
        first_name: Dana
        last_name: Scully
        username: dana
        job_title: Agent
        groups: [g-eng, g-all]
        custom_attributes: {department: X-Files}
      - {id: directory_user_01JGK5000000000000000000A2, idp_id: u-fox, email: fox@elsewhere.test, first_name: Fox, groups: [g-all]}
`

// contractDirectorySync drives the Directory Sync API, and the
// provisioning operations whose dsync.* (and AuthKit) events GET /events
// then shows, each validated against its EventSchema variant.
func contractDirectorySync(t *testing.T, run *contractRun) {
	srv := emutest.New(t, emulator.Config{Clock: emutest.T0})
	if _, err := srv.AddFixtures(context.Background(), []byte(ctDirectoryWorld), "directories.yaml"); err != nil {
		t.Fatal(err)
	}
	c := run.client(srv.Handler())
	const GET, DELETE = http.MethodGet, http.MethodDelete
	const dir, eng, dana = "directory_01JGK5000000000000000000D1", "directory_group_01JGK5000000000000000000G1", "directory_user_01JGK5000000000000000000A1"

	c.step = "dsync 1 directories"
	c.json(200, GET, "/directories?limit=5", nil)
	c.json(200, GET, "/directories?organization_id="+emutest.AcmeID+"&search=okta&order=asc", nil)
	c.json(200, GET, "/directories?domain=acme.test", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/directories?limit=500", nil, invalidBecause("limit above 100"))
	c.json(200, GET, "/directories/"+dir, nil)
	c.errCode(404, "entity_not_found", GET, "/directories/directory_"+ctMissing, nil)

	c.step = "dsync 2 users and groups"
	c.json(200, GET, "/directory_users?directory="+dir+"&limit=1", nil)
	c.json(200, GET, "/directory_users?group="+eng, nil)
	c.json(200, GET, "/directory_users?directory="+dir+"&email=dana@acme.test", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/directory_users", nil)
	c.errCode(404, "entity_not_found", GET, "/directory_users?directory=directory_"+ctMissing, nil)
	c.json(200, GET, "/directory_users/"+dana, nil)
	c.errCode(404, "entity_not_found", GET, "/directory_users/directory_user_"+ctMissing, nil)
	c.json(200, GET, "/directory_groups?directory="+dir, nil)
	c.json(200, GET, "/directory_groups?user="+dana+"&order=asc", nil)
	c.errCode(422, "invalid_request_parameters", GET, "/directory_groups", nil)
	c.errCode(404, "entity_not_found", GET, "/directory_groups?user=directory_user_"+ctMissing, nil)
	c.json(200, GET, "/directory_groups/"+eng, nil)
	c.errCode(404, "entity_not_found", GET, "/directory_groups/directory_group_"+ctMissing, nil)

	c.step = "dsync 3 provisioning (the identity provider's side)"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	g, err := srv.CreateDirectoryGroup(dir, emulator.DirectoryGroup{Name: "Support", IdpID: "g-support"})
	must(err)
	_, err = srv.UpdateDirectoryGroup(dir, g.ID, emulator.DirectoryGroup{Name: "Customer Support", Role: "admin"})
	must(err)
	u, err := srv.ProvisionDirectoryUser(dir, emulator.DirectoryUser{Email: "walter@acme.test", FirstName: "Walter", Groups: []string{"g-support"}})
	must(err)
	u.LastName, u.State = "Skinner", "inactive"
	_, err = srv.UpdateDirectoryUser(dir, u.ID, u)
	must(err)
	must(srv.RemoveDirectoryGroupMember(dir, "g-all", "u-fox"))
	must(srv.AddDirectoryGroupMember(dir, "g-support", "u-fox"))
	must(srv.DeleteDirectoryGroup(dir, g.ID))
	must(srv.DeprovisionDirectoryUser(dir, u.ID))

	c.step = "dsync 4 deletion"
	c.call(202, DELETE, "/directories/"+dir, nil)
	c.errCode(404, "entity_not_found", DELETE, "/directories/"+dir, nil)
	c.json(200, GET, "/events?limit=100", nil)
}
