import { describe, expect, it } from "vitest";
import { chatToolRules } from "./custom-tool-definition.js";
import { chatPolicy, effectivePolicy, patternMatches, qualifiedToolName, stricterPolicy } from "./tool-policies.js";

describe("tool policies", () => {
  it("names built-in tools by name and a project's own by kind and name", () => {
    expect(qualifiedToolName({ name: "semantic_search" })).toBe("semantic_search");
    expect(qualifiedToolName({ name: "order_status", kind: "http" })).toBe("http:order_status");
  });

  it("matches patterns with * standing for anything, nothing else special", () => {
    expect(patternMatches("mcp:jira:*", "mcp:jira:create_issue")).toBe(true);
    expect(patternMatches("mcp:jira:*", "mcp:jirax:create_issue")).toBe(false);
    expect(patternMatches("http:*", "http:order_status")).toBe(true);
    expect(patternMatches("*", "semantic_search")).toBe(true);
    expect(patternMatches("http:order_status", "http:order_statusx")).toBe(false);
    expect(patternMatches("http:order.status", "http:orderxstatus")).toBe(false);
  });

  it("lets the strictest matching rule decide (deny wins), and the tool's own policy where none matches", () => {
    const rules = [
      { pattern: "http:*", policy: "allow" as const },
      { pattern: "http:refund_*", policy: "deny" as const },
      { pattern: "http:refund_status", policy: "ask" as const },
    ];
    expect(effectivePolicy("http:order_status", "ask", rules)).toBe("allow");
    expect(effectivePolicy("http:refund_status", "allow", rules)).toBe("deny");
    expect(effectivePolicy("semantic_search", "allow", rules)).toBe("allow");
    expect(effectivePolicy("semantic_search", "allow", [{ pattern: "*", policy: "ask" }])).toBe("ask");
    expect(stricterPolicy("allow", "ask")).toBe("ask");
    expect(stricterPolicy("deny", "allow")).toBe("deny");
  });

  it("lets a chat's own rules tighten the project's policy, never loosen it", () => {
    const chat = [{ pattern: "http:*", policy: "ask" as const }];
    expect(chatPolicy("http:order_status", "allow", chat)).toBe("ask");
    expect(chatPolicy("http:order_status", "deny", chat)).toBe("deny");
    expect(chatPolicy("semantic_search", "allow", chat)).toBe("allow");
    expect(chatPolicy("semantic_search", "ask", [])).toBe("ask");
    expect(chatPolicy("semantic_search", "allow", [{ pattern: "*", policy: "deny" }])).toBe("deny");
    const refused = chatToolRules.safeParse([{ pattern: "http:*", policy: "allow" }]);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: [0, "policy"], message: expect.stringContaining("only tighten") });
  });
});
