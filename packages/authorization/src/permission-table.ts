/** What can be done inside a project. */
export const projectPermissions = [
  "project.read",
  "project.update",
  "project.delete",
  "sources.read",
  "sources.write",
  "ingestions.read",
  "ingestions.start",
  "search",
  "ask",
  "chat",
  "models.use",
  "models.manage",
  "tools.manage",
  "members.read",
  "members.write",
  "audit.read",
] as const;
export type ProjectPermission = (typeof projectPermissions)[number];

/** What can be done outside any one project. */
export const globalPermissions = ["projects.create", "projects.list-all", "users.manage", "audit.read-all"] as const;
export type GlobalPermission = (typeof globalPermissions)[number];

export type ProjectRole = "admin" | "member";
export type GlobalRole = "admin" | "user";

/**
 * The one table from roles to permissions (like the error-code tables: a new permission does
 * not compile until every role says whether it has it). Every use case asks it; no role is
 * compared anywhere else.
 */
export const projectRolePermissions: Record<ProjectRole, Record<ProjectPermission, boolean>> = {
  admin: {
    "project.read": true,
    "project.update": true,
    "project.delete": true,
    "sources.read": true,
    "sources.write": true,
    "ingestions.read": true,
    "ingestions.start": true,
    search: true,
    ask: true,
    chat: true,
    "models.use": true,
    "models.manage": true,
    "tools.manage": true,
    "members.read": true,
    "members.write": true,
    "audit.read": true,
  },
  member: {
    "project.read": true,
    "project.update": false,
    "project.delete": false,
    "sources.read": true,
    "sources.write": false,
    "ingestions.read": true,
    "ingestions.start": false,
    search: true,
    ask: true,
    chat: true,
    "models.use": true,
    "models.manage": false,
    "tools.manage": false,
    "members.read": false,
    "members.write": false,
    "audit.read": false,
  },
};

/**
 * What the mesh's own services may do in any project for work no user asked for (a connector
 * worker embedding what it indexes): use the project's models, nothing else. A service's
 * credential stolen still reads no project and changes nothing.
 */
export const servicePermissions: Record<ProjectPermission, boolean> = {
  "project.read": false,
  "project.update": false,
  "project.delete": false,
  "sources.read": false,
  "sources.write": false,
  "ingestions.read": false,
  "ingestions.start": false,
  search: false,
  ask: false,
  chat: false,
  "models.use": true,
  "models.manage": false,
  "tools.manage": false,
  "members.read": false,
  "members.write": false,
  "audit.read": false,
};

export const globalRolePermissions: Record<GlobalRole, Record<GlobalPermission, boolean>> = {
  admin: { "projects.create": true, "projects.list-all": true, "users.manage": true, "audit.read-all": true },
  user: { "projects.create": true, "projects.list-all": false, "users.manage": false, "audit.read-all": false },
};

/** How a permission reads in a refusal: "a project member may not <this>". */
export const permissionDescriptions: Record<ProjectPermission | GlobalPermission, string> = {
  "project.read": "read the project",
  "project.update": "change the project",
  "project.delete": "delete the project",
  "sources.read": "read the project's sources",
  "sources.write": "add or remove sources",
  "ingestions.read": "read ingestion runs",
  "ingestions.start": "start ingestion runs",
  search: "search the project",
  ask: "ask about the project",
  chat: "chat about the project",
  "models.use": "use the project's models",
  "models.manage": "define the project's models and their keys",
  "tools.manage": "define the project's tools",
  "members.read": "list the project's members",
  "members.write": "change the project's members",
  "audit.read": "read the project's audit log",
  "projects.create": "create projects",
  "projects.list-all": "list every project",
  "users.manage": "manage users",
  "audit.read-all": "read the whole audit log",
};
