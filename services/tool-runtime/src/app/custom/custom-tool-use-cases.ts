import { randomUUID } from "node:crypto";
import { authorizeProject, principalName, type CallPrincipal } from "@qamesh/authorization";
import {
  customToolDefinition,
  namesStdioServer,
  placeholderPattern,
  stdioServerRefused,
  toolSettings,
  type CustomToolDefinition,
  type HttpToolDefinition,
  type ToolPolicyRule,
} from "@qamesh/custom-tools";
import { alreadyExists, invalidArgument, notFound, parseInput, parseJsonField, permissionDenied, unavailable } from "@qamesh/errors";
import { isDeploymentServerId, isMcpRecord, type McpServers } from "../mcp/mcp-servers.js";
import type { McpToolState } from "../mcp/mcp-tool-versions.js";
import type { DocumentStore } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { argumentCheck } from "./argument-check.js";
import { customToolsCollection, sealedHeaderOwner, toolSettingsCollection, toolSettingsId, type CustomToolRecord, type ToolSettingsRecord } from "./custom-tool-records.js";

export interface CustomToolDeps {
  store: DocumentStore;
  secrets: SecretBox;
  /** Names custom tools may not take. */
  builtInNames: readonly string[];
  /** The MCP servers among the tools: registering one approves the tools it lists. */
  mcp: McpServers;
}

/** A definition as it leaves tool-runtime: secret headers say they are set, never what they hold. */
export function publicDefinition(record: CustomToolRecord): CustomToolDefinition {
  const { definition } = record;
  const hidden = (headers: HeaderSpec[]) => headers.map((header) => (header.secret ? { name: header.name, secret: true } : header));
  if (definition.kind === "http") return { ...definition, http: { ...definition.http, headers: hidden(definition.http.headers) } };
  if (definition.kind === "mcp") return { ...definition, mcp: { ...definition.mcp, headers: hidden(definition.mcp.headers) } };
  return definition;
}

type HeaderSpec = HttpToolDefinition["http"]["headers"][number];

/** Where a tool's requests go (scheme, host, port), placeholders aside; none for a script. */
function requestOrigin(definition: CustomToolDefinition): string | undefined {
  if (definition.kind === "code") return undefined;
  const url = definition.kind === "http" ? definition.http.url.replace(placeholderPattern, "x") : definition.mcp.url;
  return URL.canParse(url) ? new URL(url).origin : url;
}

/** Project admins define, change and remove their project's tools, and the hosts those may reach. */
export function customToolUseCases(deps: CustomToolDeps) {
  const tools = deps.store.collection<CustomToolRecord>(customToolsCollection);
  const settings = deps.store.collection<ToolSettingsRecord>(toolSettingsCollection);

  /** Checks a definition (its JSON Schema compiles; its name is free) and seals its secret headers, keeping stored ones not given again. */
  async function prepared(projectId: string, toolId: string, definitionJson: string, previous?: CustomToolRecord): Promise<Pick<CustomToolRecord, "definition" | "sealedHeaders">> {
    const given = parseJsonField("body", definitionJson || "{}");
    if (namesStdioServer(given)) throw permissionDenied(stdioServerRefused);
    const definition = parseInput(customToolDefinition, given);
    if (definition.kind !== "mcp") {
      try {
        argumentCheck(definition.inputSchema);
      } catch (error) {
        throw invalidArgument("inputSchema", `inputSchema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (deps.builtInNames.includes(definition.name)) throw alreadyExists(`"${definition.name}" is a built-in tool's name`);
    const clash = (await tools.find({ projectId })).find((record) => record.definition.name === definition.name && record.id !== toolId);
    if (clash) throw alreadyExists(`the project already has a tool named "${definition.name}"`);
    if (definition.kind === "mcp" && deps.mcp.deploymentServers(projectId).some((server) => server.name === definition.name)) {
      throw alreadyExists(`the deployment already gives this project an MCP server named "${definition.name}"`);
    }
    if (definition.kind === "code") return { definition, sealedHeaders: {} };
    const sealedHeaders: Record<string, string> = {};
    // A stored secret goes only where it was given for: a tool that now points elsewhere needs it given again.
    const sameOrigin = previous !== undefined && requestOrigin(previous.definition) === requestOrigin(definition);
    const sealed = (headers: HeaderSpec[], field: string) =>
      headers.map((header, index) => {
        if (!header.secret) return header;
        const key = header.name.toLowerCase();
        if (header.value !== undefined) sealedHeaders[key] = deps.secrets.seal(header.value, sealedHeaderOwner(projectId, toolId, key));
        else if (previous?.sealedHeaders[key] && sameOrigin) sealedHeaders[key] = previous.sealedHeaders[key];
        else if (previous?.sealedHeaders[key]) throw invalidArgument(`${field}.${index}.value`, `${field}.${index}.value must be given again: the tool's URL now points at another origin, and a stored secret is only sent where it was given for`);
        else throw invalidArgument(`${field}.${index}.value`, `${field}.${index}.value is required for a new secret header`);
        return { name: header.name, secret: true };
      });
    if (definition.kind === "mcp") return { definition: { ...definition, mcp: { ...definition.mcp, headers: sealed(definition.mcp.headers, "mcp.headers") } }, sealedHeaders };
    return { definition: { ...definition, http: { ...definition.http, headers: sealed(definition.http.headers, "http.headers") } }, sealedHeaders };
  }

  /** A registration of an MCP server, as the server it names. */
  async function registeredServer(principal: CallPrincipal, projectId: string, toolId: string) {
    authorizeProject(principal, projectId, "tools.manage");
    const record = await tools.get(projectId, toolId);
    if (!record) throw notFound(`no tool ${toolId} in this project`);
    if (!isMcpRecord(record)) throw invalidArgument("toolId", `tool ${toolId} is not an MCP server`);
    return deps.mcp.registered(projectId, record);
  }

  /** A deployment server is its operators' to change: the API changes only the project's own tools. */
  function refuseDeploymentServer(toolId: string): void {
    if (isDeploymentServerId(toolId)) throw permissionDenied(`${toolId} comes from the deployment's configuration; only its operators change it`);
  }

  /** A server's registration approves the tools it lists now (and fails, storing nothing, when it lists none). */
  async function approveServerTools(principal: CallPrincipal, record: CustomToolRecord): Promise<void> {
    if (isMcpRecord(record)) await deps.mcp.approveAll(record.projectId, deps.mcp.registered(record.projectId, record), principalName(principal));
  }

  return {
    async create(principal: CallPrincipal, projectId: string, definitionJson: string): Promise<CustomToolRecord> {
      authorizeProject(principal, projectId, "tools.manage");
      const id = `t-${randomUUID().slice(0, 12)}`;
      const now = new Date().toISOString();
      const record: CustomToolRecord = { id, projectId, ...(await prepared(projectId, id, definitionJson)), createdAt: now, updatedAt: now };
      await approveServerTools(principal, record);
      await tools.insert(record);
      return record;
    },

    async get(principal: CallPrincipal, projectId: string, toolId: string): Promise<CustomToolRecord> {
      authorizeProject(principal, projectId, "tools.manage");
      const record = await tools.get(projectId, toolId);
      if (!record) throw notFound(`no tool ${toolId} in this project`);
      return record;
    },

    async update(principal: CallPrincipal, projectId: string, toolId: string, definitionJson: string): Promise<CustomToolRecord> {
      refuseDeploymentServer(toolId);
      const previous = await this.get(principal, projectId, toolId);
      const record: CustomToolRecord = { ...previous, ...(await prepared(projectId, toolId, definitionJson, previous)), updatedAt: new Date().toISOString() };
      if (record.definition.kind !== previous.definition.kind) throw invalidArgument("kind", `a tool's kind stays what it was created with (${previous.definition.kind})`);
      // A server whose address changed is another server: what it lists now is what is approved.
      if (isMcpRecord(record) && isMcpRecord(previous) && record.definition.mcp.url !== previous.definition.mcp.url) await approveServerTools(principal, record);
      await tools.put(record);
      return record;
    },

    async delete(principal: CallPrincipal, projectId: string, toolId: string): Promise<void> {
      authorizeProject(principal, projectId, "tools.manage");
      refuseDeploymentServer(toolId);
      if ((await tools.delete({ projectId, id: toolId })) === 0) throw notFound(`no tool ${toolId} in this project`);
      await deps.mcp.forget(projectId, toolId);
    },

    /** How an MCP server's tools stand (approved, changed upstream, new, removed); undefined for other kinds. */
    async mcpToolStates(record: CustomToolRecord): Promise<McpToolState[] | undefined> {
      if (!isMcpRecord(record)) return undefined;
      return deps.mcp.states(record.projectId, deps.mcp.registered(record.projectId, record)).catch((error: unknown) => {
        throw unavailable(`the MCP server ${record.definition.name} could not be asked for its tools: ${error instanceof Error ? error.message : String(error)}`);
      });
    },

    /**
     * An admin approves the version of an MCP server's tool they looked at (its sha256 from the
     * server's states): a registration's, or a deployment server's (`config:<name>`).
     */
    async approveMcpTool(principal: CallPrincipal, projectId: string, toolId: string, toolName: string, sha256: string): Promise<void> {
      authorizeProject(principal, projectId, "tools.manage");
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidArgument("sha256", "sha256 must be the 64 hex digits of the version approved");
      const server = deps.mcp.deploymentServers(projectId).find((candidate) => candidate.id === toolId) ?? (await registeredServer(principal, projectId, toolId));
      await deps.mcp.approve(projectId, server, toolName, sha256, principalName(principal));
    },

    /** A stdio MCP server the deployment gives the project, and how its tools stand (its command and environment are not shown). */
    async deploymentServer(principal: CallPrincipal, projectId: string, serverId: string): Promise<{ definition: Record<string, unknown>; states: McpToolState[] | undefined; unreachable: string }> {
      authorizeProject(principal, projectId, "tools.manage");
      const server = deps.mcp.deploymentServers(projectId).find((candidate) => candidate.id === serverId);
      if (!server) throw notFound(`no tool ${serverId} in this project`);
      const definition = { name: server.name, kind: "mcp", description: "a stdio server the deployment's configuration runs", policy: server.policy, mcp: { transport: "stdio" } };
      try {
        return { definition, states: await deps.mcp.states(projectId, server), unreachable: "" };
      } catch (error) {
        return { definition, states: [], unreachable: `the MCP server ${server.name} could not be asked for its tools: ${error instanceof Error ? error.message : String(error)}` };
      }
    },

    /** The project's tools, for its catalog (whoever may read the project sees what its agent can do). */
    async listForProject(projectId: string): Promise<CustomToolRecord[]> {
      return tools.find({ projectId });
    },

    async settings(principal: CallPrincipal, projectId: string): Promise<ToolSettingsRecord> {
      authorizeProject(principal, projectId, "tools.manage");
      return this.settingsOf(projectId);
    },

    async settingsOf(projectId: string): Promise<ToolSettingsRecord> {
      return (await settings.get(projectId, toolSettingsId)) ?? { id: toolSettingsId, projectId, allowedHosts: [], policies: [] };
    },

    async updateSettings(principal: CallPrincipal, projectId: string, change: { allowedHosts: readonly string[]; policies: readonly ToolPolicyRule[] }): Promise<ToolSettingsRecord> {
      authorizeProject(principal, projectId, "tools.manage");
      const parsed = parseInput(toolSettings, { allowedHosts: [...change.allowedHosts], policies: [...change.policies] });
      const record: ToolSettingsRecord = { id: toolSettingsId, projectId, allowedHosts: parsed.allowedHosts, policies: parsed.policies };
      await settings.put(record);
      return record;
    },
  };
}

export type CustomToolUseCases = ReturnType<typeof customToolUseCases>;
