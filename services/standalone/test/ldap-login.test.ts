import { Client } from "ldapts";
import { embeddedOnly, realServer } from "@qamesh/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./standalone-harness.js";

/** The test directory servers.sh starts (scripts/servers/ldap/directory.ldif). */
const directory = {
  userBase: "ou=people,dc=qamesh,dc=test",
  reader: { dn: "cn=reader,dc=qamesh,dc=test", password: "reader-password" },
  carol: { dn: "uid=carol,ou=people,dc=qamesh,dc=test", password: "carol-ldap-password" },
  dave: { password: "dave-ldap-password" },
  admins: "cn=qamesh-admins,ou=groups,dc=qamesh,dc=test",
};

describe.skipIf(embeddedOnly)("LDAP login against a real directory (OpenLDAP)", () => {
  let harness: Harness;
  let url: string;
  const login = (username: string, password: string) => harness.api("POST", "/v1/auth/login", { username, password }, { authorization: "" });

  beforeAll(async () => {
    url = realServer("LDAP_URL");
    harness = await startHarness({
      LDAP_URL: url,
      LDAP_BIND_DN: directory.reader.dn,
      LDAP_BIND_PASSWORD: directory.reader.password,
      LDAP_USER_BASE: directory.userBase,
      LDAP_ADMIN_GROUP_DN: directory.admins,
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("logs a directory user in and provisions them, a global admin while in the admin group", async () => {
    const carol = await login("carol", directory.carol.password);
    expect(carol.status).toBe(200);
    const me = await harness.api("GET", "/v1/me", undefined, { authorization: `Bearer ${carol.body.accessToken}` });
    expect(me.body).toMatchObject({ username: "carol", globalRole: "user" });
    const dave = await login("dave", directory.dave.password);
    expect((await harness.api("GET", "/v1/me", undefined, { authorization: `Bearer ${dave.body.accessToken}` })).body.globalRole).toBe("admin");
    const users = (await harness.api("GET", "/v1/users")).body.users as { username: string; origin: string }[];
    expect(users.filter((user) => user.origin === "ldap").map((user) => user.username).sort()).toEqual(["carol", "dave"]);
  });

  it("refuses a wrong password, filter injection as a username, and an empty password", async () => {
    expect((await login("carol", "not-carols-password")).status).toBe(401);
    for (const username of ["*", "alice)(uid=*", "carol)(uid=*", "*)(|(uid=*"]) expect((await login(username, directory.carol.password)).status, username).toBe(401);
    expect((await login("carol", "")).status).toBe(401);
  });

  it("is refusing an empty password that this very directory would accept as an anonymous bind", async () => {
    const client = new Client({ url });
    // The directory answers "success" to a DN with no password (olcAllows: bind_anon_dn)...
    await expect(client.bind(directory.carol.dn, "")).resolves.toBeUndefined();
    await client.unbind();
    // ...and qamesh still refuses it.
    expect((await login("carol", "")).status).toBe(401);
  });
});
