import { describe, expect, it } from "vitest";
import { authorizeGlobal, authorizeProject, authorizeWebhook } from "./authorize.js";
import { effectiveProjectRole, type Principal } from "./principal.js";

const user = (project?: Principal["project"]): Principal => ({ kind: "user", userId: "u1", username: "alice", globalRole: "user", ...(project ? { project } : {}) });
const codeOf = (work: () => void) => {
  try {
    work();
    return "allowed";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("authorization", () => {
  it("hides a project from a non-member behind the same 404 as a missing one", () => {
    expect(codeOf(() => authorizeProject(user(), "p1", "project.read"))).toBe("not_found");
    expect(codeOf(() => authorizeProject(user({ id: "p2", role: "admin" }), "p1", "search"))).toBe("not_found");
  });

  it("lets members search, ask, chat and read runs, and answers 403 to admin actions", () => {
    const member = user({ id: "p1", role: "member" });
    for (const permission of ["project.read", "search", "ask", "chat", "ingestions.read", "sources.read"] as const) {
      expect(codeOf(() => authorizeProject(member, "p1", permission)), permission).toBe("allowed");
    }
    for (const permission of ["project.delete", "members.write", "sources.write", "ingestions.start", "audit.read"] as const) {
      expect(codeOf(() => authorizeProject(member, "p1", permission)), permission).toBe("permission_denied");
    }
  });

  it("lets project admins do everything in their project, and global admins everywhere", () => {
    expect(codeOf(() => authorizeProject(user({ id: "p1", role: "admin" }), "p1", "members.write"))).toBe("allowed");
    const root: Principal = { kind: "user", userId: "root", username: "root", globalRole: "admin" };
    expect(codeOf(() => authorizeProject(root, "any", "project.delete"))).toBe("allowed");
    expect(codeOf(() => authorizeGlobal(root, "users.manage"))).toBe("allowed");
    expect(codeOf(() => authorizeGlobal(user(), "users.manage"))).toBe("permission_denied");
    expect(codeOf(() => authorizeGlobal(user(), "projects.create"))).toBe("allowed");
  });

  it("lets the mesh's own services use any project's models and do nothing else", () => {
    const worker = { kind: "service", service: "connector-worker" } as const;
    expect(codeOf(() => authorizeProject(worker, "p1", "models.use"))).toBe("allowed");
    for (const permission of ["project.read", "search", "sources.write", "project.delete"] as const) {
      expect(codeOf(() => authorizeProject(worker, "p1", permission)), permission).toBe("permission_denied");
    }
    expect(codeOf(() => authorizeGlobal(worker, "projects.create"))).toBe("permission_denied");
  });

  it("lets a webhook delivery hand its own source a delivery, and nothing else", () => {
    const webhook = { kind: "webhook", sourceId: "s-1" } as const;
    expect(codeOf(() => authorizeWebhook(webhook, "s-1"))).toBe("allowed");
    expect(codeOf(() => authorizeWebhook(webhook, "s-2"))).toBe("permission_denied");
    expect(codeOf(() => authorizeWebhook(user({ id: "p1", role: "admin" }), "s-1"))).toBe("permission_denied");
    for (const permission of ["project.read", "search", "sources.write", "ingestions.start", "models.use"] as const) {
      expect(codeOf(() => authorizeProject(webhook, "p1", permission)), permission).toBe("permission_denied");
    }
    expect(codeOf(() => authorizeGlobal(webhook, "projects.create"))).toBe("permission_denied");
  });

  it("never lets an API key act with more than its owner has, and narrows it to its projects and role", () => {
    expect(effectiveProjectRole("member", { role: "admin" }, "p1")).toBe("member");
    expect(effectiveProjectRole("admin", { role: "member" }, "p1")).toBe("member");
    expect(effectiveProjectRole("admin", { projectIds: ["p2"] }, "p1")).toBeUndefined();
    expect(effectiveProjectRole(undefined, {}, "p1")).toBeUndefined();
    expect(effectiveProjectRole("admin", undefined, "p1")).toBe("admin");
  });
});
