import type { ChatToolRule, ToolPolicy, ToolPolicyRule } from "./custom-tool-definition.js";

const strictness: Record<ToolPolicy, number> = { allow: 0, ask: 1, deny: 2 };

/** The stricter of two policies: deny over ask over allow. */
export const stricterPolicy = (first: ToolPolicy, second: ToolPolicy): ToolPolicy => (strictness[second] > strictness[first] ? second : first);

/** How policies name a tool: built-in tools by their name, a project's own by kind and name (`http:order_status`). */
export const qualifiedToolName = (tool: { name: string; kind?: string | undefined }) => (tool.kind ? `${tool.kind}:${tool.name}` : tool.name);

/** Whether a rule's pattern names the tool: `*` matches any run of characters, the rest itself. */
export function patternMatches(pattern: string, qualifiedName: string): boolean {
  const expression = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${expression}$`).test(qualifiedName);
}

/**
 * What the project's rules make of a tool: where rules match it, the strictest of them (deny
 * wins); where none does, the tool's own policy (allow for built-in tools, the one a custom
 * tool was defined with).
 */
export function effectivePolicy(qualifiedName: string, ownPolicy: ToolPolicy, rules: readonly ToolPolicyRule[]): ToolPolicy {
  const matching = rules.filter((rule) => patternMatches(rule.pattern, qualifiedName));
  if (matching.length === 0) return ownPolicy;
  return matching.map((rule) => rule.policy).reduce(stricterPolicy);
}

/** A tool's policy in one chat: the project's, or stricter where the chat's own rules say so (they never loosen it). */
export function chatPolicy(qualifiedName: string, projectPolicy: ToolPolicy, chatRules: readonly ChatToolRule[]): ToolPolicy {
  return stricterPolicy(projectPolicy, effectivePolicy(qualifiedName, "allow", chatRules));
}
