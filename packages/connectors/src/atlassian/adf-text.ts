/** A node of the Atlassian Document Format (Jira Cloud's descriptions and comments). */
interface AdfNode {
  type?: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

const blockTypes = new Set(["paragraph", "heading", "blockquote", "codeBlock", "rule", "panel", "table", "tableRow", "mediaSingle", "expand"]);

/**
 * The text of an ADF document (or a plain string, as Jira Data Center's API v2 and older fields
 * return): paragraphs and headings on their own lines, lists as "- " items, code kept fenced,
 * mentions, links and emoji as their text. Formatting marks are dropped.
 */
export function adfText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  const lines: string[] = [];
  render(value as AdfNode, lines, "");
  return lines.join("").replace(/\n{3,}/g, "\n\n").trim();
}

function render(node: AdfNode, out: string[], indent: string): void {
  switch (node.type) {
    case "text":
      out.push(node.text ?? "");
      return;
    case "hardBreak":
      out.push(`\n${indent}`);
      return;
    case "mention":
    case "emoji":
    case "date":
    case "status":
      out.push(String(node.attrs?.text ?? node.attrs?.shortName ?? node.attrs?.timestamp ?? ""));
      return;
    case "inlineCard":
    case "blockCard":
      out.push(String(node.attrs?.url ?? ""));
      return;
    case "heading":
      out.push(`${"#".repeat(Number(node.attrs?.level ?? 1))} `);
      break;
    case "codeBlock":
      out.push("```\n");
      for (const child of node.content ?? []) render(child, out, indent);
      out.push("\n```\n\n");
      return;
    case "bulletList":
    case "orderedList":
      for (const item of node.content ?? []) {
        out.push(`${indent}- `);
        for (const child of item.content ?? []) render(child, out, `${indent}  `);
      }
      return;
  }
  for (const child of node.content ?? []) render(child, out, indent);
  if (node.type && blockTypes.has(node.type)) out.push("\n\n");
}
