import { randomUUID } from "node:crypto";
import { authorizeProject, type CallPrincipal } from "@qamesh/authorization";
import { customToolDefinition, toolSettings, type CustomToolDefinition, type ToolPolicyRule } from "@qamesh/custom-tools";
import { alreadyExists, invalidArgument, notFound, parseInput } from "@qamesh/errors";
import type { DocumentStore } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import { argumentCheck } from "./argument-check.js";
import { customToolsCollection, sealedHeaderOwner, toolSettingsCollection, toolSettingsId, type CustomToolRecord, type ToolSettingsRecord } from "./custom-tool-records.js";

export interface CustomToolDeps {
  store: DocumentStore;
  secrets: SecretBox;
  /** Names custom tools may not take. */
  builtInNames: readonly string[];
}

/** A definition as it leaves tool-runtime: secret headers say they are set, never what they hold. */
export function publicDefinition(record: CustomToolRecord): CustomToolDefinition {
  const { definition } = record;
  if (definition.kind !== "http") return definition;
  return { ...definition, http: { ...definition.http, headers: definition.http.headers.map((header) => (header.secret ? { name: header.name, secret: true } : header)) } };
}

/** Project admins define, change and remove their project's tools, and the hosts those may reach. */
export function customToolUseCases(deps: CustomToolDeps) {
  const tools = deps.store.collection<CustomToolRecord>(customToolsCollection);
  const settings = deps.store.collection<ToolSettingsRecord>(toolSettingsCollection);

  /** Checks a definition (its JSON Schema compiles; its name is free) and seals its secret headers, keeping stored ones not given again. */
  async function prepared(projectId: string, toolId: string, definitionJson: string, previous?: CustomToolRecord): Promise<Pick<CustomToolRecord, "definition" | "sealedHeaders">> {
    const definition = parseInput(customToolDefinition, parseJson(definitionJson));
    try {
      argumentCheck(definition.inputSchema);
    } catch (error) {
      throw invalidArgument("inputSchema", `inputSchema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (deps.builtInNames.includes(definition.name)) throw alreadyExists(`"${definition.name}" is a built-in tool's name`);
    const clash = (await tools.find({ projectId })).find((record) => record.definition.name === definition.name && record.id !== toolId);
    if (clash) throw alreadyExists(`the project already has a tool named "${definition.name}"`);
    if (definition.kind !== "http") return { definition, sealedHeaders: {} };
    const sealedHeaders: Record<string, string> = {};
    const headers = definition.http.headers.map((header, index) => {
      if (!header.secret) return header;
      const key = header.name.toLowerCase();
      if (header.value !== undefined) sealedHeaders[key] = deps.secrets.seal(header.value, sealedHeaderOwner(projectId, toolId, key));
      else if (previous?.sealedHeaders[key]) sealedHeaders[key] = previous.sealedHeaders[key];
      else throw invalidArgument(`http.headers.${index}.value`, `http.headers.${index}.value is required for a new secret header`);
      return { name: header.name, secret: true };
    });
    return { definition: { ...definition, http: { ...definition.http, headers } }, sealedHeaders };
  }

  return {
    async create(principal: CallPrincipal, projectId: string, definitionJson: string): Promise<CustomToolRecord> {
      authorizeProject(principal, projectId, "tools.manage");
      const id = `t-${randomUUID().slice(0, 12)}`;
      const now = new Date().toISOString();
      const record: CustomToolRecord = { id, projectId, ...(await prepared(projectId, id, definitionJson)), createdAt: now, updatedAt: now };
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
      const previous = await this.get(principal, projectId, toolId);
      const record: CustomToolRecord = { ...previous, ...(await prepared(projectId, toolId, definitionJson, previous)), updatedAt: new Date().toISOString() };
      await tools.put(record);
      return record;
    },

    async delete(principal: CallPrincipal, projectId: string, toolId: string): Promise<void> {
      authorizeProject(principal, projectId, "tools.manage");
      if ((await tools.delete({ projectId, id: toolId })) === 0) throw notFound(`no tool ${toolId} in this project`);
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

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json || "{}");
  } catch {
    throw invalidArgument("body", "the tool's definition must be valid JSON");
  }
}
