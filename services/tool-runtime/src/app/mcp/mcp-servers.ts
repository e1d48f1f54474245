import { authorizeProject } from "@qamesh/authorization";
import type { McpServerDefinition, ToolPolicy } from "@qamesh/custom-tools";
import { failedPrecondition, invalidArgument, notFound, unavailable } from "@qamesh/errors";
import type { Collection, DocumentStore, Passage } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { argumentCheck } from "../custom/argument-check.js";
import { sealedHeaderOwner, type CustomToolRecord } from "../custom/custom-tool-records.js";
import type { ToolDefinition, ToolOutput } from "../tools/tool-definition.js";
import { withMcpServer, type ListedMcpTool, type McpConnectionDeps, type McpServerTarget } from "./mcp-connection.js";
import { definitionDigest, mcpToolVersionId, mcpToolVersionsCollection, toolStates, type McpToolState, type McpToolVersionRecord } from "./mcp-tool-versions.js";

export interface McpServersDeps extends McpConnectionDeps {
  store: DocumentStore;
  secrets: SecretBox;
  /** The project's own allowlist of hosts, which the server's address must be on (when it lists any). */
  allowedHosts(projectId: string): Promise<string[]>;
  /** How long a server's tool list is reused before it is asked again. */
  listCacheMs: number;
  /** Stdio servers the deployment's configuration runs, for the projects it names. */
  deploymentServers: readonly DeploymentMcpServer[];
}

/** A stdio MCP server from the deployment's configuration (MCP_STDIO_SERVERS), never from the API. */
export interface DeploymentMcpServer {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Project ids whose agents get its tools; `*`: every project. */
  projects: string[];
  policy: ToolPolicy;
  timeoutMs: number;
}

/** Who approved a deployment server's tools as first seen in a project. */
const deploymentApprover = "deployment configuration";

/** The id of a deployment server, where a registration has its record's id. */
export const deploymentServerId = (name: string) => `config:${name}`;
export const isDeploymentServerId = (id: string) => id.startsWith("config:");

/** One server as the tools are listed, approved and called: a registration, or a server of the deployment's. */
interface McpServerEntry {
  id: string;
  name: string;
  policy: ToolPolicy;
  /** Changes when the server's registration does, so a tool list of an older one is not reused. */
  version: string;
  /** A deployment server's tools are approved when a project first sees them; a registration's when it is made. */
  approvedOnFirstSight: boolean;
  target: McpServerTarget;
}

/** What of one call's answer the model reads: text kept per part. */
const maxPartChars = 8_000;

/** An MCP server registered by a project admin (a custom tool of kind mcp). */
export type McpRecord = CustomToolRecord & { definition: McpServerDefinition };

export const isMcpRecord = (record: CustomToolRecord): record is McpRecord => record.definition.kind === "mcp";

/**
 * The MCP servers project admins register and the tools they bring. Registering a server
 * approves the tools it lists then (their definitions hashed); from then on the agent is shown
 * only approved versions (the description and schema an admin saw), and a tool whose
 * definition changes upstream, or that appears later, stays out until an admin approves it.
 * A call checks again that the server's tool is still the approved one.
 */
export class McpServers {
  private readonly versions: Collection<McpToolVersionRecord>;
  private readonly listings = new Map<string, { at: number; tools: Promise<ListedMcpTool[]> }>();

  constructor(private readonly deps: McpServersDeps) {
    this.versions = deps.store.collection<McpToolVersionRecord>(mcpToolVersionsCollection);
  }

  /** A project admin's registration as a server to list and call (its secret headers opened). */
  registered(projectId: string, record: McpRecord): McpServerEntry {
    const { mcp } = record.definition;
    const headers: Record<string, string> = {};
    for (const header of mcp.headers) {
      const key = header.name.toLowerCase();
      headers[key] = header.secret ? this.deps.secrets.open(record.sealedHeaders[key] ?? "", sealedHeaderOwner(projectId, record.id, key)) : (header.value ?? "");
    }
    return { id: record.id, name: record.definition.name, policy: record.definition.policy, version: record.updatedAt, approvedOnFirstSight: false, target: { transport: "http", url: mcp.url, headers, timeoutMs: mcp.timeoutMs } };
  }

  /** The deployment's stdio servers whose configuration names the project. */
  deploymentServers(projectId: string): McpServerEntry[] {
    return this.deps.deploymentServers
      .filter((server) => server.projects.includes("*") || server.projects.includes(projectId))
      .map((server) => ({
        id: deploymentServerId(server.name),
        name: server.name,
        policy: server.policy,
        version: "configured",
        approvedOnFirstSight: true,
        target: { transport: "stdio", command: server.command, args: server.args, env: server.env, timeoutMs: server.timeoutMs },
      }));
  }

  /** The server's approved tools, as the agent may call them; none while the server cannot be reached. */
  async catalogTools(projectId: string, server: McpServerEntry): Promise<ToolDefinition[]> {
    const [listed, known] = await Promise.all([this.listed(projectId, server).catch(() => undefined), this.versions.find({ projectId, serverId: server.id })]);
    if (!listed) return [];
    let versions = known;
    if (versions.length === 0 && server.approvedOnFirstSight) versions = await this.approveListed(projectId, server, listed, deploymentApprover);
    const approved = new Map(versions.map((version) => [version.tool, version]));
    return toolStates(server.name, listed, versions)
      .filter((state) => state.status === "approved")
      .map((state) => this.tool(server, state, approved.get(state.name)!));
  }

  /** How each of the server's tools stands, for the project's admins. */
  async states(projectId: string, server: McpServerEntry): Promise<McpToolState[]> {
    const [listed, versions] = await Promise.all([this.listed(projectId, server), this.versions.find({ projectId, serverId: server.id })]);
    return toolStates(server.name, listed, versions);
  }

  /** Registration: the server must answer, and the tools it lists now are the approved ones. */
  async approveAll(projectId: string, server: McpServerEntry, approvedBy: string): Promise<void> {
    let listed: ListedMcpTool[];
    try {
      listed = await this.listed(projectId, server, { fresh: true });
    } catch (error) {
      throw invalidArgument("mcp.url", `the MCP server did not list its tools: ${reasonOf(error)}`);
    }
    await this.forget(projectId, server.id);
    await this.approveListed(projectId, server, listed, approvedBy);
  }

  /** An admin approves the version of one tool they saw (`sha256`); a server that changed it again meanwhile gets a 409. */
  async approve(projectId: string, server: McpServerEntry, toolName: string, sha256: string, approvedBy: string): Promise<void> {
    const current = (await this.listed(projectId, server, { fresh: true })).find((tool) => tool.name === toolName);
    if (!current) throw notFound(`the MCP server ${server.name} lists no tool ${toolName}`);
    if (definitionDigest(current) !== sha256) throw failedPrecondition(`${toolName} is not at version ${sha256} on the server any more; look at it again before approving`);
    await this.versions.put(versionRecord(projectId, server.id, current, approvedBy, new Date().toISOString()));
  }

  async forget(projectId: string, serverId: string): Promise<void> {
    await this.versions.delete({ projectId, serverId });
  }

  private async approveListed(projectId: string, server: McpServerEntry, listed: readonly ListedMcpTool[], approvedBy: string): Promise<McpToolVersionRecord[]> {
    const approvedAt = new Date().toISOString();
    const records = listed.map((tool) => versionRecord(projectId, server.id, tool, approvedBy, approvedAt));
    for (const record of records) await this.versions.put(record);
    return records;
  }

  private tool(server: McpServerEntry, state: McpToolState, version: McpToolVersionRecord): ToolDefinition {
    let checkArguments: ((args: Record<string, unknown>) => void) | undefined;
    return {
      name: state.modelName,
      description: version.description,
      parametersJsonSchema: version.inputSchema,
      custom: { id: server.id, kind: "mcp", policy: server.policy, qualifiedName: state.qualifiedName },
      run: async (principal, projectId, args) => {
        authorizeProject(principal, projectId, "project.read");
        checkArguments ??= argumentCheck(version.inputSchema);
        checkArguments(args);
        const current = (await this.listed(projectId, server)).find((tool) => tool.name === version.tool);
        if (!current || definitionDigest(current) !== version.sha256) {
          throw failedPrecondition(`${state.qualifiedName} changed on its server and waits for a project admin to approve the new version`);
        }
        try {
          const answer = await withMcpServer(server.target, await this.deps.allowedHosts(projectId), this.deps, (connected) => connected.call(version.tool, args));
          return toolOutput(server, state, answer);
        } catch (error) {
          throw unavailable(`the MCP server ${server.name} did not answer: ${reasonOf(error)}`);
        }
      },
    };
  }

  /** The server's tools as it lists them, asked again once the cached list is older than the setting (or when `fresh`). */
  private listed(projectId: string, server: McpServerEntry, options: { fresh?: boolean } = {}): Promise<ListedMcpTool[]> {
    const key = `${projectId}:${server.id}:${server.version}`;
    const cached = this.listings.get(key);
    if (cached && !options.fresh && Date.now() - cached.at < this.deps.listCacheMs) return cached.tools;
    const tools = (async () => withMcpServer(server.target, await this.deps.allowedHosts(projectId), this.deps, (connected) => connected.list()))();
    // Lists past their time go, so servers changed or removed long ago do not stay in memory.
    for (const [other, listing] of this.listings) if (Date.now() - listing.at >= this.deps.listCacheMs) this.listings.delete(other);
    // A failed listing is kept as long as a good one: a server that is down costs each answer
    // nothing (its tools are left out) instead of a timeout per step.
    this.listings.set(key, { at: Date.now(), tools });
    tools.catch(() => undefined);
    return tools;
  }
}

function versionRecord(projectId: string, serverId: string, tool: ListedMcpTool, approvedBy: string, approvedAt: string): McpToolVersionRecord {
  return { id: mcpToolVersionId(serverId, tool.name), projectId, serverId, tool: tool.name, sha256: definitionDigest(tool), description: tool.description, inputSchema: tool.inputSchema, approvedBy, approvedAt };
}

type CallAnswer = Awaited<ReturnType<Parameters<Parameters<typeof withMcpServer>[3]>[0]["call"]>>;

/**
 * A server's answer as the agent reads it: each text part (and each embedded text resource) is
 * a passage the answer can cite, named after the server and tool; links and structured content
 * are the result; images and audio are only mentioned.
 */
function toolOutput(server: McpServerEntry, state: McpToolState, answer: CallAnswer): ToolOutput {
  const passages: Passage[] = [];
  const links: { uri: string; name: string }[] = [];
  const omitted: string[] = [];
  const reference = (text: string, url?: string) => ({
    sourceId: server.id,
    path: state.qualifiedName,
    startLine: 1,
    endLine: text.split("\n").length,
    commit: "",
    title: `${server.name} · ${state.name}`,
    ...(url && /^https?:\/\//.test(url) ? { url } : {}),
  });
  for (const part of (answer.content ?? []) as { type: string; text?: string; uri?: string; name?: string; resource?: { uri: string; text?: string } }[]) {
    if (part.type === "text" && part.text) {
      const text = part.text.slice(0, maxPartChars);
      passages.push({ reference: reference(text), text });
    } else if (part.type === "resource" && part.resource?.text) {
      const text = part.resource.text.slice(0, maxPartChars);
      passages.push({ reference: reference(text, part.resource.uri), text });
    } else if (part.type === "resource_link" && part.uri) links.push({ uri: part.uri, name: part.name ?? "" });
    else omitted.push(part.type);
  }
  const result = {
    ...(answer.isError ? { isError: true } : {}),
    ...(answer.structuredContent ? { structuredContent: answer.structuredContent } : {}),
    ...(links.length > 0 ? { links } : {}),
    ...(omitted.length > 0 ? { omitted: omitted.map((type) => `a part of type ${type}`) } : {}),
  };
  return { result: Object.keys(result).length > 0 ? result : { ok: true }, passages };
}

/** Why a server could not be used, in words safe to show (no stack, no internal address). */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
