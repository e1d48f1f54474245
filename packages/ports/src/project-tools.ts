import type { LlmTool } from "./llm.js";
import type { CallSignal } from "./project-models.js";
import type { PassageReference } from "./passage-reference.js";

/** Text a tool read from a project's sources, with where: what an answer can cite. */
export interface Passage {
  reference: PassageReference;
  text: string;
}

export interface ToolResult {
  /** The tool's own result, as JSON. */
  resultJson: string;
  passages: Passage[];
}

/** The tools a project's agent may call (the tool-runtime service in the mesh). */
export interface ProjectTools {
  list(projectId: string, options?: CallSignal): Promise<LlmTool[]>;
  /** Runs one call; a refused or failing call throws (its message is what the model is told). */
  invoke(projectId: string, name: string, argumentsJson: string, options?: CallSignal): Promise<ToolResult>;
}
