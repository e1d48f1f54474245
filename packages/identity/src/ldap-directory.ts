import { AndFilter, Client, EqualityFilter, InvalidCredentialsError, type Filter } from "ldapts";
import { unavailable } from "@qamesh/errors";

export interface LdapSettings {
  url: string;
  /** The account qamesh searches with (a read-only reader). */
  bindDn: string;
  bindPassword: string;
  /** Where users are searched, e.g. ou=people,dc=example,dc=com. */
  userBase: string;
  /** The attribute a username is matched against (uid, sAMAccountName...). */
  usernameAttribute: string;
  /** Members of this group (groupOfNames `member`) are global admins. */
  adminGroupDn?: string | undefined;
}

/** A user the directory vouched for. */
export interface DirectoryUser {
  dn: string;
  username: string;
  isAdmin: boolean;
}

/**
 * Logs users in against an LDAP directory: search the user by an escaped equality filter (so
 * `*` or `alice)(uid=*` match nothing but themselves), then bind as that user with the password.
 * An empty password is refused here, before the directory sees it: many servers take a bind with
 * a DN and no password for an anonymous bind and answer "success".
 */
export class LdapDirectory {
  constructor(private readonly settings: LdapSettings) {}

  async authenticate(username: string, password: string): Promise<DirectoryUser | undefined> {
    if (!password || !username) return undefined;
    const reader = this.client();
    let dn: string;
    let isAdmin = false;
    try {
      await reader.bind(this.settings.bindDn, this.settings.bindPassword);
      const { searchEntries } = await reader.search(this.settings.userBase, {
        scope: "sub",
        filter: new EqualityFilter({ attribute: this.settings.usernameAttribute, value: username }),
        attributes: ["dn"],
        sizeLimit: 2,
      });
      // Exactly one entry, or nobody: an ambiguous name never logs in.
      if (searchEntries.length !== 1) return undefined;
      dn = searchEntries[0]!.dn;
      if (this.settings.adminGroupDn) isAdmin = await this.isMember(reader, dn);
    } catch (error) {
      throw unavailable("the LDAP directory could not be searched", error);
    } finally {
      await reader.unbind().catch(() => undefined);
    }
    const user = this.client();
    try {
      await user.bind(dn, password);
      return { dn, username, isAdmin };
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return undefined;
      throw unavailable("the LDAP directory could not check the password", error);
    } finally {
      await user.unbind().catch(() => undefined);
    }
  }

  private async isMember(reader: Client, dn: string): Promise<boolean> {
    const filter: Filter = new AndFilter({ filters: [new EqualityFilter({ attribute: "member", value: dn })] });
    const { searchEntries } = await reader.search(this.settings.adminGroupDn!, { scope: "base", filter, attributes: ["dn"] });
    return searchEntries.length > 0;
  }

  private client(): Client {
    return new Client({ url: this.settings.url, timeout: 5000, connectTimeout: 5000 });
  }
}
