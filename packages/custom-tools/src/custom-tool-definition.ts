import { z } from "zod";

/** Names the model calls tools by: lowercase, digits and underscores (what every provider's function names accept). */
export const toolNamePattern = /^[a-z][a-z0-9_]{1,63}$/;

/** A `{name}` placeholder of a template: an argument of the tool. */
export const placeholderPattern = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;

const header = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be a header name (letters, digits, '-')"),
    value: z.string().max(8_000).optional().meta({ description: "write-only when secret; omit on update to keep the stored one" }),
    secret: z.boolean().default(false).meta({ description: "stored encrypted, never returned or logged" }),
  })
  .strict();

/** Where the URL's placeholders may be: the path and query. The scheme, host and port are fixed, so no argument can aim the request elsewhere. */
const urlTemplate = z
  .string()
  .max(2_000)
  .superRefine((template, context) => {
    let url: URL;
    try {
      url = new URL(template.replace(placeholderPattern, "x"));
    } catch {
      context.addIssue({ code: "custom", message: "must be an absolute http(s) URL, with {argument} placeholders in its path or query" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") context.addIssue({ code: "custom", message: "must be an http or https URL" });
    else if (url.username || url.password) context.addIssue({ code: "custom", message: "must not carry credentials (use a secret header)" });
    // Filled two ways, the origin must not move.
    else if (new URL(template.replace(placeholderPattern, "a")).origin !== new URL(template.replace(placeholderPattern, "b")).origin) {
      context.addIssue({ code: "custom", message: "must not have placeholders in its scheme, host or port" });
    }
  });

export const httpToolSpec = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"], "method must be GET, POST, PUT, PATCH or DELETE").default("GET"),
    url: urlTemplate.meta({ description: "e.g. https://api.example.com/orders/{orderId}?expand={fields}; placeholders are the tool's arguments, URL-encoded" }),
    headers: z.array(header).max(20).default([]),
    body: z.unknown().optional().meta({ description: 'JSON sent as the body; a string that is exactly "{name}" becomes that argument\'s value, other strings get {name} filled in' }),
    response: z
      .object({
        path: z
          .string()
          .regex(/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/, "must be a JSON path such as $.data.items or $.results[0]")
          .optional()
          .meta({ description: "the part of a JSON answer the model is given" }),
        maxBytes: z.number().int().min(1).max(1_000_000).default(65_536),
      })
      .strict()
      .default({ maxBytes: 65_536 }),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict();

/** An MCP server reached over Streamable HTTP (stdio servers run commands, so only deployment configuration names them). */
export const mcpServerSpec = z
  .object({
    url: z
      .string()
      .max(2_000)
      .refine((text) => URL.canParse(text) && ["http:", "https:"].includes(new URL(text).protocol), "must be an absolute http or https URL")
      .refine((text) => !URL.canParse(text) || (!new URL(text).username && !new URL(text).password), "must not carry credentials (use a secret header)")
      .meta({ description: "the server's Streamable HTTP endpoint, e.g. https://mcp.example.com/mcp" }),
    headers: z.array(header).max(20).default([]),
    timeoutMs: z.number().int().min(100).max(60_000).default(15_000),
  })
  .strict();

export const toolPolicies = ["allow", "ask", "deny"] as const;
export type ToolPolicy = (typeof toolPolicies)[number];

/** A script run in a sandbox (QuickJS in WebAssembly): its body gets `args` and may `await fetch(url, {method, headers, body})`. */
export const codeToolSpec = z
  .object({
    source: z.string().min(1, "source must not be empty").max(100_000).meta({ description: "an async function body: `args` holds the arguments; what it returns (JSON) is the result" }),
    timeoutMs: z.number().int().min(10).max(10_000).default(2_000),
    memoryMb: z.number().int().min(1).max(64).default(16),
  })
  .strict();

const toolBase = {
  name: z.string().regex(toolNamePattern, "must be 2-64 lowercase letters, digits or '_', starting with a letter"),
  description: z.string().trim().min(1, "description must not be empty").max(2_000).meta({ description: "what the model is told the tool does" }),
  inputSchema: z
    .record(z.string(), z.unknown())
    .refine((schema) => schema.type === "object", "must be a JSON Schema of an object ({\"type\": \"object\", ...})")
    .meta({ description: "JSON Schema of the tool's arguments" }),
  policy: z.enum(toolPolicies, "policy must be allow, ask or deny").default("ask").meta({ description: "ask (the default): each call waits for the chat owner's approval" }),
};

/** Why a definition of a stdio MCP server is refused (403) wherever the API takes definitions. */
export const stdioServerRefused =
  "stdio MCP servers run commands on the server, so only the deployment's configuration names them; register an MCP server by its Streamable HTTP URL";

/** Whether a definition, as given, asks for a stdio MCP server (a command to run) rather than one reached over HTTP. */
export function namesStdioServer(definition: unknown): boolean {
  if (typeof definition !== "object" || definition === null || (definition as { kind?: unknown }).kind !== "mcp") return false;
  const mcp = (definition as { mcp?: unknown }).mcp;
  if (typeof mcp !== "object" || mcp === null) return false;
  return (mcp as { transport?: unknown }).transport === "stdio" || "command" in mcp || "args" in mcp;
}

/** Names of MCP servers: short, so `<server>__<tool>` leaves room for the tool's name within a model's 64 characters. */
export const mcpServerNamePattern = /^[a-z][a-z0-9_]{1,23}$/;

/**
 * A tool a project admin defines, as the API takes it (create, and replace on update): an HTTP
 * call, a sandboxed script, or an MCP server whose tools join the catalog (their names,
 * descriptions and schemas are the server's).
 */
export const customToolDefinition = z.discriminatedUnion(
  "kind",
  [
    z.object({ ...toolBase, kind: z.literal("http"), http: httpToolSpec }).strict(),
    z.object({ ...toolBase, kind: z.literal("code"), code: codeToolSpec }).strict(),
    z
      .object({
        name: z.string().regex(mcpServerNamePattern, "must be 2-24 lowercase letters, digits or '_', starting with a letter"),
        description: z.string().trim().max(2_000).default("").meta({ description: "for admins: what the server is" }),
        kind: z.literal("mcp"),
        policy: toolBase.policy,
        mcp: mcpServerSpec,
      })
      .strict(),
  ],
  { error: "kind must be http, code or mcp" },
);

export type CustomToolDefinition = z.output<typeof customToolDefinition>;
export type HttpToolDefinition = Extract<CustomToolDefinition, { kind: "http" }>;
export type CodeToolDefinition = Extract<CustomToolDefinition, { kind: "code" }>;
export type McpServerDefinition = Extract<CustomToolDefinition, { kind: "mcp" }>;
export type McpServerSpec = McpServerDefinition["mcp"];
export type HttpToolSpec = HttpToolDefinition["http"];

/** A project's rule for the tools whose qualified names match `pattern` (`*` matches anything: `http:*`, `mcp:jira:*`). */
export const toolPolicyRule = z
  .object({
    pattern: z.string().regex(/^[a-z0-9_:*-]{1,200}$/, "must be a tool name or pattern such as http:* or mcp:jira:*"),
    policy: z.enum(toolPolicies, "policy must be allow, ask or deny"),
  })
  .strict();
export type ToolPolicyRule = z.output<typeof toolPolicyRule>;

/** A chat's own rule: it can make its owner approve a tool's calls, or keep a tool out, never allow more than the project does. */
export const chatToolRule = toolPolicyRule.extend({ policy: z.enum(["ask", "deny"], "a chat's rules only tighten the project's: policy must be ask or deny") }).strict();
export type ChatToolRule = z.output<typeof chatToolRule>;
export const chatToolRules = z.array(chatToolRule).max(50, "a chat has at most 50 rules");

/** A project's settings for its tools. */
export const toolSettings = z
  .object({
    allowedHosts: z
      .array(z.string().regex(/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, "must be host names such as api.example.com or *.example.com"))
      .max(100)
      .default([])
      .meta({ description: "hosts the project's tools may reach; none listed: any the deployment allows" }),
    policies: z.array(toolPolicyRule).max(100).default([]).meta({ description: "rules by tool name or pattern; where several match, deny wins over ask over allow" }),
  })
  .strict();
