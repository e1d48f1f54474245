import type { DocumentStore } from "@qamesh/ports";
import { usedApprovalsCollection } from "./approvals/approved-calls.js";
import { customToolsCollection, toolSettingsCollection } from "./custom/custom-tool-records.js";
import { mcpToolVersionsCollection } from "./mcp/mcp-tool-versions.js";

/**
 * Everything tool-runtime keeps of a deleted project goes: its tools (their sealed secrets with
 * them), its tool settings, the MCP tool versions its admins approved and the approvals used.
 * Deleting is idempotent, so a redelivered event changes nothing; a project created again under
 * the same id starts without tools.
 */
export async function forgetProject(store: DocumentStore, projectId: string): Promise<void> {
  for (const name of [customToolsCollection, toolSettingsCollection, mcpToolVersionsCollection, usedApprovalsCollection]) {
    await store.collection(name).delete({ projectId });
  }
}
