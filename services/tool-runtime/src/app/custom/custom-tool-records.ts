import type { CustomToolDefinition, ToolPolicyRule } from "@qamesh/custom-tools";
import type { DocumentIndex, StoredDocument } from "@qamesh/ports";
import { mcpToolVersionsCollection } from "../mcp/mcp-tool-versions.js";

/**
 * A tool a project admin defined, as tool-runtime keeps it: the definition, with each secret
 * header's value sealed for this project, tool and header (a sealed value copied elsewhere does
 * not open) and no plain value.
 */
export interface CustomToolRecord extends StoredDocument {
  definition: CustomToolDefinition;
  /** Sealed values of the secret headers, by lowercased header name. */
  sealedHeaders: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** A project's settings for its tools: the hosts they may reach (none listed: any the deployment allows), and its policy rules. */
export interface ToolSettingsRecord extends StoredDocument {
  allowedHosts: string[];
  /** Absent in records written before rules existed. */
  policies?: ToolPolicyRule[];
}

export const customToolsCollection = "custom_tools";
export const toolSettingsCollection = "tool_settings";
/** The one settings record of a project. */
export const toolSettingsId = "settings";

export const toolRuntimeIndexes: readonly DocumentIndex[] = [
  { collection: customToolsCollection, fields: ["projectId"] },
  { collection: mcpToolVersionsCollection, fields: ["projectId", "serverId"] },
];

/** What a sealed header value is bound to. */
export const sealedHeaderOwner = (projectId: string, toolId: string, header: string) => `custom-tool-header:${projectId}:${toolId}:${header.toLowerCase()}`;
